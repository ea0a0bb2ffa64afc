//! The deployed sign-in of `bluelamp-smoke` (the binary), against moto's Cognito and SSM.

use bluelamp_tests::{aws_cli, moto_endpoint, spawn_gateway, StoreKind};

/// The deployed sign-in, against moto's Cognito and SSM: a pool, an app client that allows
/// USER_PASSWORD_AUTH, a user in `operators` and its credentials as a SecureString. The binary
/// signs in (step 1 passes) and the local gateway then refuses moto's token (step 2), which
/// proves the token came from that sign-in and not from the gateway.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cognito_sign_in_reads_ssm_and_signs_in() -> anyhow::Result<()> {
    let moto = moto_endpoint();
    let aws = |args: Vec<String>| {
        let moto = moto.clone();
        async move {
            let mut full = vec![
                "--endpoint-url".to_owned(),
                moto,
                "--output".into(),
                "json".into(),
            ];
            full.extend(args);
            let refs: Vec<&str> = full.iter().map(String::as_str).collect();
            let out = aws_cli(&refs).await?;
            anyhow::ensure!(
                out.status.success(),
                "aws {:?}: {}",
                &refs[4..],
                String::from_utf8_lossy(&out.stderr)
            );
            Ok::<serde_json::Value, anyhow::Error>(
                serde_json::from_slice(&out.stdout).unwrap_or_default(),
            )
        }
    };
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let pool = aws(s(&[
        "cognito-idp",
        "create-user-pool",
        "--pool-name",
        "smoke",
    ]))
    .await?;
    let pool = pool["UserPool"]["Id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let client = aws(s(&[
        "cognito-idp",
        "create-user-pool-client",
        "--user-pool-id",
        &pool,
        "--client-name",
        "smoke",
        "--explicit-auth-flows",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ]))
    .await?;
    let client = client["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let password = "Smoke-test-password-1";
    aws(s(&[
        "cognito-idp",
        "admin-create-user",
        "--user-pool-id",
        &pool,
        "--username",
        "smoke-operator",
    ]))
    .await?;
    aws(s(&[
        "cognito-idp",
        "admin-set-user-password",
        "--user-pool-id",
        &pool,
        "--username",
        "smoke-operator",
        "--password",
        password,
        "--permanent",
    ]))
    .await?;
    let parameter = format!(
        "/bluelamp/{}/smoke-operator",
        bluelamp_tests::unique_prefix()
    );
    let secret =
        serde_json::json!({"username": "smoke-operator", "password": password}).to_string();
    aws(s(&[
        "ssm",
        "put-parameter",
        "--name",
        &parameter,
        "--type",
        "SecureString",
        "--value",
        &secret,
    ]))
    .await?;

    let gw = spawn_gateway(StoreKind::Embedded).await;
    let smoke = env!("CARGO_BIN_EXE_bluelamp-smoke");
    let out = tokio::process::Command::new(smoke)
        .args(["--public-ws", &gw.public_ws_url()])
        .args(["--operator-ws", &format!("ws://{}/operator", gw.addr)])
        .args(["--reports-api", &gw.http_url()])
        .args([
            "--cognito-client-id",
            &client,
            "--operator-secret-parameter",
            &parameter,
        ])
        .args([
            "--region",
            "eu-west-2",
            "--cognito-endpoint",
            &moto,
            "--ssm-endpoint",
            &moto,
        ])
        .args(["--step-timeout", "5"])
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .await?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    anyhow::ensure!(
        stdout.contains("ok   step 1 (the operator signs in)"),
        "{stdout}{stderr}"
    );
    anyhow::ensure!(
        !out.status.success()
            && stderr.contains(
                "step 2 (the operator connects and says hello): the socket was refused: HTTP 401"
            ),
        "{stdout}{stderr}"
    );
    anyhow::ensure!(!stdout.contains(password) && !stderr.contains(password));
    gw.stop().await;
    Ok(())
}
