//! `bluelamp-local`: runs the whole service on localhost.

use bluelamp::translation::{OfflineFailure, OfflineTranslator};
use bluelamp_local::{start, GatewayConfig};
use clap::Parser;
use report_intake::AllowedOrigins;
use std::net::SocketAddr;

#[derive(Parser)]
#[command(
    about = "Bluelamp's development gateway: the WebSocket APIs, the management API, \
the stream and sign-in on localhost, around the functions' own code"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "BLUELAMP_LISTEN")]
    listen: SocketAddr,
    /// Use a DynamoDB-compatible server (moto, DynamoDB Local) instead of the embedded store.
    #[arg(long, env = "BLUELAMP_DYNAMODB_ENDPOINT")]
    dynamodb_endpoint: Option<String>,
    /// Prefix of the table names on that server.
    #[arg(long, default_value = "bluelamp-local-")]
    table_prefix: String,
    /// Make the offline translation stand-in fail (as an outage), to see the "translation
    /// unavailable" path; messages are delivered in the original and retried in the background.
    #[arg(long)]
    translation_fails: bool,
    /// Report submissions per source address per hour (the function's default: 10).
    #[arg(long, env = "BLUELAMP_REPORT_RATE_LIMIT")]
    report_rate_limit: Option<u32>,
    /// Origins (comma-separated, e.g. http://localhost:3000) of pages that may submit reports
    /// from a browser, besides the gateway's own (REPORTS_ALLOWED_ORIGINS in a deployment).
    #[arg(long, env = "BLUELAMP_REPORTS_ALLOWED_ORIGINS")]
    reports_allowed_origins: Option<AllowedOrigins>,
    /// Origins of pages that may call the operator endpoints from a browser, besides the
    /// gateway's own (CONSOLE_ALLOWED_ORIGINS in a deployment).
    #[arg(long, env = "BLUELAMP_CONSOLE_ALLOWED_ORIGINS")]
    console_allowed_origins: Option<AllowedOrigins>,
    /// The web pages' folder (the workspace's `web/` by default).
    #[arg(long, env = "BLUELAMP_WEB_DIR")]
    web_dir: Option<std::path::PathBuf>,
    /// Origins of the force's sites that may embed the widget (comma-separated), besides the
    /// gateway's own.
    #[arg(long, env = "BLUELAMP_WIDGET_FRAME_ANCESTORS", value_delimiter = ',')]
    widget_frame_ancestors: Vec<String>,
    /// The hours the room answers chats, HH:MM-HH:MM in UTC (always, when not given);
    /// outside them the widget says nobody is there instead of estimating a wait.
    #[arg(long, env = "BLUELAMP_STAFFED_HOURS", value_parser = parse_staffed_hours)]
    staffed_hours: Option<bluelamp::domain::StaffedHours>,
}

fn parse_staffed_hours(text: &str) -> Result<bluelamp::domain::StaffedHours, String> {
    bluelamp::domain::StaffedHours::parse(text).map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let store = match &args.dynamodb_endpoint {
        Some(url) => format!("DynamoDB at {url}"),
        None => "embedded store".to_owned(),
    };
    let translator = if args.translation_fails {
        OfflineTranslator::failing(OfflineFailure::Unavailable)
    } else {
        OfflineTranslator::new()
    };
    let mut config = GatewayConfig {
        listen: args.listen,
        dynamodb_endpoint: args.dynamodb_endpoint,
        table_prefix: args.table_prefix,
        translator: std::sync::Arc::new(translator),
        ..GatewayConfig::default()
    };
    if let Some(dir) = args.web_dir {
        config.web_dir = dir;
    }
    config.widget_frame_ancestors = args.widget_frame_ancestors;
    config.chat.staffed_hours = args.staffed_hours;
    if let Some(limit) = args.report_rate_limit {
        config.reports.rate_limit = limit;
    }
    if let Some(origins) = args.reports_allowed_origins {
        config.reports.cors.public = origins;
    }
    if let Some(origins) = args.console_allowed_origins {
        config.reports.cors.console = origins;
    }
    let browsers = |origins: &AllowedOrigins| {
        let mut all = vec!["this gateway".to_owned()];
        all.extend(origins.iter().map(ToString::to_string));
        all.join(", ")
    };
    let form_origins = browsers(&config.reports.cors.public);
    let console_origins = browsers(&config.reports.cors.console);
    let running = start(config).await?;
    let base = running.http_url();
    println!("Bluelamp local gateway ({store}) is running:");
    println!("  overview                  {base}/");
    println!(
        "  demo force page (widget)  http://localhost:{}/demo/",
        running.addr.port()
    );
    println!("  online report forms       {base}/report/");
    println!("  operator console          {base}/console/");
    println!("  public WebSocket API      {}", running.public_ws_url());
    println!(
        "  operator WebSocket API    ws://{}/operator?token=TOKEN",
        running.addr
    );
    println!("  operator token            curl -s -XPOST {base}/local-idp/token -H 'content-type: application/json' -d '{{\"operator\":\"alice\"}}'");
    println!("  widget language list      {base}/languages");
    println!(
        "  reports API (REST)        POST {base}/reports, {base}/operator/reports (Bearer TOKEN)"
    );
    println!("  reports API, browsers     form: {form_origins}; console: {console_origins}");
    println!("  management API (public)   {base}/public/@connections/{{id}}");
    println!("  management API (operator) {base}/operator/@connections/{{id}}");
    println!("Press Ctrl+C to stop.");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = running.wait() => {}
    }
    Ok(())
}
