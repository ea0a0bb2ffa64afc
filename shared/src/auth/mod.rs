//! Operator sign-in: verifying Cognito-style JWTs against a JWKS (RS256 only, fail closed).
