"""The wire contract: every request and response body as a pydantic model.

Routes use these as `response_model`, so `/v1/openapi.json` documents every
field; the describe pipeline builds `Answer` directly, and stored rows are
validated back into the same models. See docs/architecture.md.
"""
