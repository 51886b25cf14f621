// Package cxone is a client for NICE CXone that carries out GDPR erasure end
// to end: the platform privacy API, employees, and Digital Experience (DFO).
// This package is the core: one authenticated, retrying, PII-safe connection
// to one tenant. The privacy and digital packages build on it; cxonetest is
// an in-memory CXone to test against.
//
// # Authentication
//
// [NewClient] authenticates as CXone recommends for back-end integrations:
// the OAuth2 password grant of a registered application (client id and
// secret, [WithClientCredentials]) with an access key as username and
// password ([WithAccessKey]). The token endpoint comes from OIDC discovery
// at the issuer ([WithIssuer], default [DefaultIssuer]). How the client
// credentials are sent is set explicitly with [WithClientAuthStyle], never
// probed.
//
// The client keeps one token for all its calls: concurrent calls wait for a
// single fetch, and the token is renewed 60 s before it expires (with the
// refresh token, or a fresh password grant if that fails). An API call
// answered 401 drops the token, fetches a new one and is sent once more; a
// second 401 is an [*AuthError]. The token endpoint's 5xx, 429 and non-JSON
// answers are retried; invalid_client and invalid_grant are not, and the
// [*AuthError] carries the OAuth code ([AuthError].Code), never a secret.
// NewClient fetches the first token, so bad credentials fail there.
//
// [WithAccessKeyEndpoint] uses CXone's simpler access-key endpoint instead,
// and [WithTokenSource] any oauth2.TokenSource.
//
// # Discovery
//
// The tenant id comes from the id_token (or [WithTenantID]). The tenant's
// cxone-configuration gives the platform base (api_endpoint) and the area and
// domain from which the DFO base https://api-de-{area}.{domain}/dfo/3.0 is
// derived. Discovery runs once per client; [WithAPIBase] and
// [WithDigitalBase] override it, and [WithDigitalViaAPIHost] picks
// {api_endpoint}/dfo/3.0, the route some tenants use. A loopback
// api_endpoint (the simulator) also gets {api_endpoint}/dfo/3.0.
//
// # Requests
//
// [Client.Do] is the low-level door the privacy and digital packages use,
// and that callers can use for endpoints the SDK does not model. A [Request]
// names the API ([Platform] or [Digital]), a path template whose
// placeholders are filled from Params, a query and a body. Only the template
// ever appears in errors and logs.
//
// # Retries and idempotency
//
// Calls go through hashicorp/go-retryablehttp with the SDK's own policy.
// 429 and 503 are retried for every request; 500, 502 and 504 only for
// idempotent ones (GET, PUT, DELETE, or a [Request] marked Idempotent),
// because the server may have acted before failing. Waits grow exponentially
// with jitter up to a cap ([WithRetry]). Bodies are encoded once, so every
// attempt sends the same bytes. Cancelling the context ends a wait at once.
//
// A connection lost after the request was sent (a reset, an EOF) is retried
// too, for every request: erasure POSTs have no idempotency key, and a missed
// erasure is the greater harm. But the server may then have acted twice, so
// the client says so: [Response].Ambiguous is true when such a retry of a
// non-idempotent request succeeded, and [IsAmbiguous] reports it for an
// error. A cancelled context says nothing about whether the server acted
// either. The privacy package dedupes and journals its submissions, and
// carries the flag into each row's outcome, so a doubled erasure is
// reported, not silent.
//
// # Rate limits
//
// Retry-After is honoured in seconds and in every HTTP-date form. When it
// asks for more than the cap ([WithRetry], default
// [DefaultMaxRetryAfter]) or for longer than the context's deadline allows,
// the call returns at once a [*RateLimitError] with the wait asked, so the
// caller can reschedule. [WithRateLimit] limits the client's own pace (every
// attempt, retries included), and [Request].Limiter adds a per-request limit
// (the digital package uses it for the documented DFO quotas).
//
// # Errors
//
// Every failure is typed: [*APIError] (status, the service's code and
// message, request id, attempts, method and path template),
// [*RateLimitError], [*AuthError] or [*TransportError]. They work with
// errors.As, and with errors.Is against [ErrNotFound], [ErrUnauthorized],
// [ErrForbidden] and [ErrRateLimited]. The error bodies of the platform, its
// Spring-style 401s and DFO are decoded; anything else keeps a short
// snippet. The [*Response] comes back with an error whenever the server
// answered.
//
// # Privacy of logs
//
// Personal data is radioactive here. No error string or log line holds a
// subject identifier, a token, a secret or a query value: errors name the
// path template, not the URL; what the server echoes back is redacted
// (e-mail addresses, phone numbers, tokens, and the request's own
// parameters). The client logs nothing unless given a logger
// ([WithLogger]): Debug for attempts and retries, Warn for a retry that may
// repeat a non-idempotent request.
//
// # Testing with cxonetest
//
// Package cxonetest runs an in-memory CXone on loopback: discovery, the
// token endpoint, the privacy, user and DFO routes, with faults on demand
// (429, 503, resets before and after the handler, latency) from a seed, and
// counters of what it saw. Point [WithIssuer] at its URL and use its demo
// credentials; see the example.
package cxone
