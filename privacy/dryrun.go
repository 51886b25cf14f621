package privacy

// NewDryRunBatch returns a batch that needs no client and no network: it
// validates, dedupes and consults its journal, and yields new valid rows as
// skipped with [ReasonDryRun]. [WithDryRun] is implied.
func NewDryRunBatch(opts ...BatchOption) (*Batch, error) {
	var c *Client // a dry run never calls the client
	return c.NewBatch(append(opts, WithDryRun())...)
}
