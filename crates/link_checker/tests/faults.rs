//! Every fault the local server can produce, classified by the engine, in one bounded run.
//! Only 127.0.0.1 is contacted: fake host names are pinned there with `Settings::resolve`.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use govpress::hosts::HostClassifier;
use govpress::rules::link_health::{self, Abnormality};
use link_checker::fault_server::{FaultServer, Options};
use link_checker::{check_all, ContentClass, Failure, Job, Outcome, RateLimitEnd, Settings, Verdict};
use url::Url;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn fast_settings() -> Settings {
    let mut settings = Settings::default();
    settings.host.timeout = Duration::from_millis(800);
    settings.host.interval = Duration::ZERO;
    settings.host.concurrency = 16;
    settings.backoff = Duration::from_millis(50);
    settings.max_time = Duration::from_secs(20);
    settings.resolve = BTreeMap::from([
        ("old.example.gov.cn".to_string(), vec![LOOPBACK]),
        ("taken-over.example.com".to_string(), vec![LOOPBACK]),
        ("bad-tls.example.com".to_string(), vec![LOOPBACK]),
        ("gone.example.com".to_string(), vec![]),
    ]);
    settings.fit_timeouts();
    settings.max_retry_wait = Duration::from_secs(2);
    settings
}

async fn run(settings: Settings, urls: &[(String, bool)]) -> BTreeMap<String, Outcome> {
    let jobs = urls.iter().map(|(url, read_ids)| Job { url: Url::parse(url).unwrap(), read_ids: *read_ids }).collect();
    let outcomes = check_all(settings, jobs, Arc::new(|_: &Outcome| {})).await.unwrap();
    urls.iter().map(|(url, _)| url.clone()).zip(outcomes).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_is_classified_precisely_within_bounds() {
    let server = FaultServer::start(Options::default()).unwrap();
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let port = server.http.port();
    let urls: Vec<(String, bool)> = [
        server.url("/ok/1"),
        server.url("/status/404"),
        server.url("/status/500"),
        server.url("/redirect/x"),
        server.url("/loop/a"),
        server.url("/chain/15"),
        server.url("/no-location"),
        server.url("/rate-limited/once"),
        server.url("/rate-limited-always"),
        server.url("/rate-limited-long"),
        server.url("/hang"),
        server.url("/reset"),
        server.url("/close"),
        server.url("/flaky-500/a"),
        server.url("/flaky-reset/a"),
        server.url("/no-head"),
        server.url("/offsite"),
        server.url("/download.html"),
        format!("http://old.example.gov.cn:{port}/policy"),
        format!("https://bad-tls.example.com:{}/", server.https.port()),
        format!("http://127.0.0.1:{closed_port}/"),
        format!("http://gone.example.com:{port}/"),
    ]
    .into_iter()
    .map(|url| (url, false))
    .chain([(server.url("/anchors"), true), (server.url("/flaky-500/get"), true)])
    .collect();
    let settings = fast_settings();
    let bound = settings.worst_case_per_url() + Duration::from_secs(2);
    let started = Instant::now();
    let outcomes = run(settings, &urls).await;
    let elapsed = started.elapsed();
    let get = |path: &str| {
        outcomes
            .iter()
            .find(|(url, _)| url.contains(path))
            .map(|(_, outcome)| outcome)
            .unwrap_or_else(|| panic!("{path}"))
    };
    let broken = |path: &str| match &get(path).verdict {
        Verdict::Broken(failure) => failure.clone(),
        other => panic!("{path}: expected broken, got {other:?}"),
    };

    assert_eq!(get("/ok/1").verdict, Verdict::Ok);
    assert_eq!(get("/ok/1").requests, 1, "a working link costs one HEAD");

    assert_eq!(broken("/status/404"), Failure::Status(404));
    assert_eq!(
        (get("/status/404").retries, get("/status/404").head_refused),
        (0, Some(404)),
        "404 is confirmed by GET, not retried"
    );

    assert_eq!(broken("/status/500"), Failure::Status(500));
    assert_eq!(get("/status/500").retries, 2, "5xx is retried");

    assert_eq!(get("/redirect/x").verdict, Verdict::Ok);
    assert_eq!(get("/redirect/x").final_url.as_ref().unwrap().path(), "/ok/x");

    assert_eq!(broken("/loop/a"), Failure::RedirectLoop);
    let chain: Vec<_> = get("/loop/a").redirects.iter().map(|url| url.path().to_string()).collect();
    assert_eq!(chain, ["/loop/b", "/loop/a"], "the loop is reported with its chain");
    assert_eq!(broken("/chain/15"), Failure::TooManyRedirects(10));
    assert_eq!(broken("/no-location"), Failure::RedirectWithoutLocation(302));

    let once = get("/rate-limited/once");
    assert_eq!((once.verdict.clone(), once.retries), (Verdict::Ok, 1), "Retry-After: 1 is honoured, then 200");
    let always = get("/rate-limited-always");
    assert_eq!(always.status, Some(429));
    assert_eq!(always.retries, 2);
    assert!(matches!(always.verdict, Verdict::RateLimited { gave_up: RateLimitEnd::RetriesUsed, .. }));
    let long = get("/rate-limited-long");
    assert!(
        matches!(long.verdict, Verdict::RateLimited { retry_after: Some(wait), gave_up: RateLimitEnd::WaitOverCap(_) } if wait == Duration::from_secs(120)),
        "a Retry-After past the cap is reported, not waited for: {:?}",
        long.verdict
    );

    assert!(matches!(broken("/hang"), Failure::Timeout(_)));
    assert_eq!(get("/hang").requests, 2, "a timeout is retried once, not for every retry");
    assert_eq!(broken("/reset"), Failure::Reset);
    assert_eq!(get("/reset").retries, 2, "resets are retried");
    assert_eq!(broken("/close"), Failure::Closed);

    let flaky_head = get("/flaky-500/a");
    assert_eq!((flaky_head.verdict.clone(), flaky_head.head_refused, flaky_head.requests), (Verdict::Ok, Some(500), 2));
    let flaky_get = get("/flaky-500/get");
    assert_eq!((flaky_get.verdict.clone(), flaky_get.retries), (Verdict::Ok, 1), "a 5xx to GET is retried");
    assert_eq!((get("/flaky-reset/a").verdict.clone(), get("/flaky-reset/a").retries), (Verdict::Ok, 1));
    assert_eq!((get("/no-head").verdict.clone(), get("/no-head").head_refused), (Verdict::Ok, Some(405)));

    match broken("bad-tls.example.com") {
        Failure::Tls(detail) => assert!(detail.contains("不受信任"), "{detail}"),
        other => panic!("expected a TLS failure, got {other:?}"),
    }
    assert_eq!(broken(&format!(":{closed_port}/")), Failure::Refused);
    assert!(matches!(broken("gone.example.com"), Failure::Dns(_)));

    let hosts = HostClassifier::new(&govpress::SiteConfig::default());
    let judge = |outcome: &Outcome| link_health::judge(outcome.landing(None)?, &hosts);
    let taken_over = get("old.example.gov.cn");
    assert_eq!(taken_over.verdict, Verdict::Ok);
    assert_eq!(taken_over.final_url.as_ref().unwrap().host_str(), Some("taken-over.example.com"));
    assert_eq!(judge(taken_over), Some(Abnormality::LeftGovernment { final_host: "taken-over.example.com".into() }));
    assert!(matches!(judge(get("/offsite")), Some(Abnormality::OtherDomain { .. })));
    assert_eq!(get("/download.html").content_class, Some(ContentClass::Download));
    assert!(matches!(judge(get("/download.html")), Some(Abnormality::BecameDownload { .. })));
    assert_eq!(judge(get("/redirect/x")), None);

    let ids = get("/anchors").fragment_ids.as_ref().expect("ids were read");
    assert!(ids.contains("intro") && ids.contains("section-2") && ids.contains("legacy"));

    assert!(elapsed < bound, "the run took {elapsed:?}, over its bound {bound:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_host_concurrency_is_respected() {
    let server = FaultServer::start(Options { latency: Duration::from_millis(100) }).unwrap();
    let mut settings = fast_settings();
    settings.host.concurrency = 3;
    let urls: Vec<_> = (0..12).map(|index| (server.url(&format!("/ok/{index}")), false)).collect();
    let outcomes = run(settings, &urls).await;
    assert!(outcomes.values().all(|outcome| outcome.verdict == Verdict::Ok));
    assert_eq!(server.requests(), 12);
    assert!(server.max_in_flight() <= 3, "at most 3 at once, saw {}", server.max_in_flight());
    assert!(server.max_in_flight() >= 2, "requests do run concurrently");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_deadline_cuts_hanging_links_short() {
    let server = FaultServer::start(Options::default()).unwrap();
    let mut settings = fast_settings();
    settings.host.timeout = Duration::from_secs(30);
    settings.max_time = Duration::from_millis(1200);
    settings.fit_timeouts();
    let urls = vec![(server.url("/hang"), false), (server.url("/ok/fast"), false)];
    let started = Instant::now();
    let outcomes = run(settings, &urls).await;
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(outcomes[&server.url("/hang")].verdict, Verdict::Unchecked);
    assert_eq!(outcomes[&server.url("/ok/fast")].verdict, Verdict::Ok);
}
