//! Where the local gateway must behave as API Gateway does, so that a test passing locally
//! proves what it seems to: a flood of new sockets (each a possible new chat) is throttled at
//! `$connect` with the rate and burst the template gives the stages, answered `429`.

use bluelamp_local::throttle::ThrottleSettings;
use bluelamp_tests::{spawn_gateway_with, Client, StoreKind};
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A stage's `$connect` throttling, as the template writes it.
fn template_connect_throttle(stage: &str) -> ThrottleSettings {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../infra/template.yaml");
    let text = std::fs::read_to_string(&path).expect("the template");
    let yaml: serde_norway::Value = serde_norway::from_str(&text).expect("YAML");
    let connect = &yaml["Resources"][stage]["Properties"]["RouteSettings"]["$connect"];
    ThrottleSettings {
        rate_per_second: connect["ThrottlingRateLimit"]
            .as_f64()
            .unwrap_or_else(|| panic!("{stage} has no $connect rate")),
        burst: connect["ThrottlingBurstLimit"]
            .as_u64()
            .and_then(|b| u32::try_from(b).ok())
            .unwrap_or_else(|| panic!("{stage} has no $connect burst")),
    }
}

#[test]
fn the_gateway_throttles_connect_as_the_template_s_stages_do() {
    assert_eq!(
        template_connect_throttle("PublicStage"),
        ThrottleSettings::PUBLIC_CONNECT
    );
    assert_eq!(
        template_connect_throttle("OperatorStage"),
        ThrottleSettings::OPERATOR_CONNECT
    );
    let defaults = bluelamp_local::GatewayConfig::default().connect_throttle;
    assert_eq!(
        defaults,
        (
            ThrottleSettings::PUBLIC_CONNECT,
            ThrottleSettings::OPERATOR_CONNECT
        )
    );
}

/// Opens `n` public sockets at once; returns how many were refused with 429 (the rest opened).
async fn refused_of(url: &str, n: usize) -> usize {
    let attempts = (0..n).map(|_| async {
        match tokio_tungstenite::connect_async(url).await {
            Ok(_) => Ok(()),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                Err(response.status().as_u16())
            }
            Err(e) => panic!("a socket failed otherwise: {e}"),
        }
    });
    let results = futures::future::join_all(attempts).await;
    let refused = results.iter().filter(|r| **r == Err(429)).count();
    assert!(
        results.iter().all(|r| r.is_ok() || *r == Err(429)),
        "{results:?}"
    );
    refused
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_new_sockets_is_held_to_the_stage_s_connect_rate() -> anyhow::Result<()> {
    let settings = ThrottleSettings {
        rate_per_second: 5.0,
        burst: 10,
    };
    let gw = spawn_gateway_with(StoreKind::Embedded, |c| {
        c.connect_throttle = (settings, ThrottleSettings::OPERATOR_CONNECT)
    })
    .await;
    let url = gw.public_ws_url();
    let started = Instant::now();
    let refused = refused_of(&url, 60).await;
    let elapsed = started.elapsed().as_secs_f64();
    let admitted = 60 - refused;
    // The burst, and what the rate refilled while the flood lasted; the rest refused.
    let most = f64::from(settings.burst) + (elapsed * settings.rate_per_second).ceil();
    assert!(admitted >= 10, "{admitted} admitted");
    assert!(
        (admitted as f64) <= most,
        "{admitted} admitted in {elapsed:.2} s"
    );
    assert!(refused >= 1, "nothing refused");

    // The bucket refills: a citizen a moment later gets in and starts a chat.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let mut citizen = Client::citizen(&gw).await?;
    citizen
        .send(json!({"action": "start", "language": "en"}))
        .await?;
    citizen.expect("chat_started").await?;
    // The operator API has its own bucket: the public flood took nothing from it.
    Client::operator(&gw, "alice").await?;
    gw.stop().await;
    Ok(())
}
