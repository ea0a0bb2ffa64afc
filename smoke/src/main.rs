//! `bluelamp-smoke`: the smoke test (docs/deploy.md, "The smoke test"; the logic is the
//! library's).

use bluelamp_smoke::{run, Credentials, Options, Target};
use clap::Parser;
use std::time::Duration;

/// Runs the smoke conversation against a Bluelamp and exits non-zero naming the failed step.
#[derive(Parser)]
#[command(name = "bluelamp-smoke")]
struct Args {
    /// The public WebSocket API (`PublicWebSocketUrl`).
    #[arg(long)]
    public_ws: String,
    /// The operator WebSocket API (`OperatorWebSocketUrl`).
    #[arg(long)]
    operator_ws: String,
    /// The reports API (`ReportsApiUrl`).
    #[arg(long)]
    reports_api: String,
    /// Deployed: the pool's app client (`OperatorConsoleClientId`), signed in with
    /// USER_PASSWORD_AUTH.
    #[arg(
        long,
        requires = "operator_secret_parameter",
        conflicts_with = "local_gateway"
    )]
    cognito_client_id: Option<String>,
    /// Deployed: the SSM SecureString with the smoke operator's `username`, `password`,
    /// `totpSecret`.
    #[arg(long, requires = "cognito_client_id")]
    operator_secret_parameter: Option<String>,
    #[arg(long, env = "AWS_REGION", default_value = "eu-west-2")]
    region: String,
    /// Another Cognito endpoint (a local stand-in).
    #[arg(long)]
    cognito_endpoint: Option<String>,
    /// Another SSM endpoint (a local stand-in).
    #[arg(long)]
    ssm_endpoint: Option<String>,
    /// Locally: the gateway whose `/local-idp/token` signs the operator in.
    #[arg(long, required_unless_present = "cognito_client_id")]
    local_gateway: Option<String>,
    /// Locally: the operator's name.
    #[arg(long, default_value = "smoke")]
    operator: String,
    /// Production: no request for an operator, no report filed.
    #[arg(long)]
    prod: bool,
    /// Each step's limit, in seconds.
    #[arg(long, default_value_t = 10)]
    step_timeout: u64,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let a = Args::parse();
    let credentials = match (
        a.cognito_client_id,
        a.operator_secret_parameter,
        a.local_gateway,
    ) {
        (Some(client_id), Some(parameter), _) => Credentials::Cognito {
            client_id,
            parameter,
            region: a.region,
            cognito_endpoint: a.cognito_endpoint,
            ssm_endpoint: a.ssm_endpoint,
        },
        (_, _, Some(gateway)) => Credentials::Local {
            gateway,
            operator: a.operator,
        },
        _ => unreachable!("clap requires one way to sign in"),
    };
    let target = Target {
        public_ws: a.public_ws,
        operator_ws: a.operator_ws,
        reports_api: a.reports_api,
    };
    let mut opts = Options::smoke(target, credentials);
    opts.prod = a.prod;
    opts.step_timeout = Duration::from_secs(a.step_timeout);
    match run(&opts, &mut |line| println!("{line}")).await {
        Ok(outcome) => {
            println!("counts: {}", outcome.counts.summary());
            println!("smoke test passed: {} steps", outcome.steps.len());
            std::process::ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("smoke test FAILED at {failure}");
            std::process::ExitCode::FAILURE
        }
    }
}
