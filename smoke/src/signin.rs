//! The test operator's access token: from the local gateway's sign-in, or from Cognito with
//! the credentials kept in an SSM `SecureString` (docs/deploy.md, "The smoke test"). Neither
//! the credentials nor the token ever reach the output.

use anyhow::{anyhow, bail, Context};
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How the smoke operator signs in.
#[derive(Clone)]
pub enum Credentials {
    /// The local gateway's stand-in for Cognito: `POST {gateway}/local-idp/token`.
    Local { gateway: String, operator: String },
    /// A Cognito user of the stack's pool, its credentials JSON (`username`, `password`,
    /// `totpSecret`) in an SSM `SecureString`.
    Cognito {
        client_id: String,
        parameter: String,
        region: String,
        /// Another Cognito or SSM endpoint (a local stand-in such as moto); AWS's by default.
        cognito_endpoint: Option<String>,
        ssm_endpoint: Option<String>,
    },
    /// A token obtained otherwise (tests).
    Token(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Local { gateway, operator } => write!(f, "Local({gateway}, {operator})"),
            Self::Cognito {
                client_id,
                parameter,
                region,
                ..
            } => {
                write!(f, "Cognito({client_id}, {parameter}, {region})")
            }
            Self::Token(_) => write!(f, "Token(…)"),
        }
    }
}

/// The operator's access token.
pub async fn access_token(creds: &Credentials, timeout: Duration) -> anyhow::Result<String> {
    match creds {
        Credentials::Token(t) => Ok(t.clone()),
        Credentials::Local { gateway, operator } => local(gateway, operator, timeout).await,
        Credentials::Cognito {
            client_id,
            parameter,
            region,
            cognito_endpoint,
            ssm_endpoint,
        } => {
            let base = aws_config::defaults(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new(region.clone()))
                .timeout_config(
                    aws_config::timeout::TimeoutConfig::builder()
                        .operation_timeout(timeout)
                        .build(),
                )
                .load()
                .await;
            let secret = smoke_operator(&base, ssm_endpoint.as_deref(), parameter).await?;
            cognito(&base, cognito_endpoint.as_deref(), client_id, &secret).await
        }
    }
}

async fn local(gateway: &str, operator: &str, timeout: Duration) -> anyhow::Result<String> {
    let url = format!("{}/local-idp/token", gateway.trim_end_matches('/'));
    let response = reqwest::Client::new()
        .post(&url)
        .timeout(timeout)
        .json(&json!({"operator": operator}))
        .send()
        .await
        .with_context(|| format!("POST {url}"))?;
    let status = response.status();
    if !status.is_success() {
        bail!("POST {url} answered {status}");
    }
    let body: Value = response
        .json()
        .await
        .context("the token answer is not JSON")?;
    body["accessToken"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("the token answer has no accessToken"))
}

/// The smoke operator's credentials, as kept in SSM.
pub struct SmokeOperator {
    pub username: String,
    pub password: String,
    /// Base32, as Cognito's `AssociateSoftwareToken` gives it; none if the user has no MFA.
    pub totp_secret: Option<String>,
}

async fn smoke_operator(
    base: &aws_config::SdkConfig,
    endpoint: Option<&str>,
    parameter: &str,
) -> anyhow::Result<SmokeOperator> {
    let mut config = aws_sdk_ssm::config::Builder::from(base);
    if let Some(url) = endpoint {
        config = config.endpoint_url(url);
    }
    let ssm = aws_sdk_ssm::Client::from_conf(config.build());
    let out = ssm
        .get_parameter()
        .name(parameter)
        .with_decryption(true)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "SSM GetParameter {parameter}: {}",
                aws_sdk_ssm::error::DisplayErrorContext(e)
            )
        })?;
    let value = out
        .parameter()
        .and_then(|p| p.value())
        .ok_or_else(|| anyhow!("SSM parameter {parameter} has no value"))?;
    let v: Value = serde_json::from_str(value)
        .map_err(|_| anyhow!("SSM parameter {parameter} is not JSON"))?;
    let field = |name: &str| {
        v[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("SSM parameter {parameter} has no `{name}`"))
    };
    Ok(SmokeOperator {
        username: field("username")?,
        password: field("password")?,
        totp_secret: v["totpSecret"].as_str().map(str::to_owned),
    })
}

/// `InitiateAuth` with `USER_PASSWORD_AUTH`, answering the TOTP challenge if one comes.
pub async fn cognito(
    base: &aws_config::SdkConfig,
    endpoint: Option<&str>,
    client_id: &str,
    user: &SmokeOperator,
) -> anyhow::Result<String> {
    use aws_sdk_cognitoidentityprovider::error::DisplayErrorContext;
    let mut config = aws_sdk_cognitoidentityprovider::config::Builder::from(base);
    if let Some(url) = endpoint {
        config = config.endpoint_url(url);
    }
    let idp = aws_sdk_cognitoidentityprovider::Client::from_conf(config.build());
    let out = idp
        .initiate_auth()
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .client_id(client_id)
        .auth_parameters("USERNAME", &user.username)
        .auth_parameters("PASSWORD", &user.password)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "Cognito InitiateAuth (USER_PASSWORD_AUTH): {}",
                DisplayErrorContext(e)
            )
        })?;
    let Some(challenge) = out.challenge_name().cloned() else {
        return access_token_of(out.authentication_result());
    };
    if challenge != ChallengeNameType::SoftwareTokenMfa {
        bail!("Cognito asks for {challenge}, which the smoke operator cannot answer (finish its first sign-in and TOTP enrolment)");
    }
    let secret = user.totp_secret.as_deref().ok_or_else(|| {
        anyhow!("Cognito asks for a TOTP code and the SSM parameter has no `totpSecret`")
    })?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let reply = idp
        .respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .set_session(out.session().map(str::to_owned))
        .challenge_responses("USERNAME", &user.username)
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", totp(secret, now)?)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "Cognito RespondToAuthChallenge (SOFTWARE_TOKEN_MFA): {}",
                DisplayErrorContext(e)
            )
        })?;
    access_token_of(reply.authentication_result())
}

fn access_token_of(
    result: Option<&aws_sdk_cognitoidentityprovider::types::AuthenticationResultType>,
) -> anyhow::Result<String> {
    result
        .and_then(|r| r.access_token())
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("Cognito gave no access token"))
}

/// RFC 6238: the 6-digit code of a 30-second step, HMAC-SHA1, from a base32 secret.
pub fn totp(secret_base32: &str, unix_secs: u64) -> anyhow::Result<String> {
    let key = base32(secret_base32).ok_or_else(|| anyhow!("`totpSecret` is not base32"))?;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).map_err(|_| anyhow!("bad TOTP key"))?;
    mac.update(&(unix_secs / 30).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[19] & 0x0f);
    let code =
        u32::from_be_bytes([h[offset], h[offset + 1], h[offset + 2], h[offset + 3]]) & 0x7fff_ffff;
    Ok(format!("{:06}", code % 1_000_000))
}

/// RFC 4648 base32 (upper or lower case, padding and spaces ignored).
fn base32(s: &str) -> Option<Vec<u8>> {
    let (mut bits, mut n, mut out) = (0u64, 0u32, Vec::new());
    for c in s.chars().filter(|c| !matches!(c, '=' | ' ')) {
        let v = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u64 - 'A' as u64,
            c @ '2'..='7' => c as u64 - '2' as u64 + 26,
            _ => return None,
        };
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_matches_rfc_6238() {
        // RFC 6238's SHA-1 vectors: the key "12345678901234567890", 8 digits there; 6 here
        // are the last six.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        for (t, eight) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (2000000000, "69279037"),
        ] {
            assert_eq!(totp(secret, t).unwrap(), eight[2..]);
        }
        assert!(totp("not base32!", 0).is_err());
    }
}
