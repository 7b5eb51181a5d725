//! The load generator the benchmarks (`benches/portal.rs`, `benches/hosted.rs`) and the
//! operations tests (`tests/operations`) share: browsers over loopback HTTP that log in through
//! the login page and keep their cookies and CSRF token, a sign-up wave sent at one instant,
//! and the figures they print (percentiles, resident memory, the machine's load).
//!
//! Included by path (`#[path = "…/support/loadgen.rs"] mod loadgen;`), so each user compiles
//! the part it uses.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// Any failure of the load generator.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// The HTTP client every browser shares (one connection pool).
pub type Http = Client<HttpConnector, Body>;

/// An HTTP client keeping up to `idle` connections per server.
pub fn http_client(idle: usize) -> Http {
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(idle)
        .build_http()
}

/// What a server answered: status, `Location` header (empty without) and body.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// Where a redirect points.
    pub location: String,
    /// The body as text.
    pub body: String,
}

/// A browser's cookies and the last CSRF token it saw; with `host`, every request names that
/// host (a hosted portal chooses the municipality by it).
#[derive(Clone, Default)]
pub struct Browser {
    host: Option<String>,
    cookies: BTreeMap<String, String>,
    csrf: String,
}

impl Browser {
    /// A browser with no cookies yet, talking to `host` (or to whatever the URL names).
    pub fn new(host: Option<&str>) -> Browser {
        Browser {
            host: host.map(str::to_owned),
            ..Browser::default()
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn request(&self, method: &str, url: &str) -> axum::http::request::Builder {
        let b = Request::builder()
            .method(method)
            .uri(url)
            .header(header::COOKIE, self.cookie_header());
        match &self.host {
            Some(h) => b.header(header::HOST, h),
            None => b,
        }
    }

    /// Sends `req`, keeping the cookies it sets and the CSRF token of the page it returns.
    pub async fn send(&mut self, http: &Http, req: Request<Body>) -> Result<Reply, Error> {
        let res = http.request(req).await?;
        let status = res.status();
        for c in res.headers().get_all(header::SET_COOKIE) {
            let Some((k, v)) = c
                .to_str()?
                .split(';')
                .next()
                .and_then(|kv| kv.split_once('='))
            else {
                continue;
            };
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let location = location(res.headers());
        let body = axum::body::to_bytes(Body::new(res.into_body()), usize::MAX).await?;
        let body = String::from_utf8_lossy(&body).into_owned();
        if let Some(t) = body
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
        {
            self.csrf = t.to_owned();
        }
        Ok(Reply {
            status,
            location,
            body,
        })
    }

    /// GET `url`.
    pub async fn get(&mut self, http: &Http, url: &str) -> Result<Reply, Error> {
        let req = self.request("GET", url).body(Body::empty())?;
        self.send(http, req).await
    }

    /// A form POST of `pairs` (and the CSRF token) to `url`, to be sent later.
    pub fn post_request(&self, url: &str, pairs: &[(&str, &str)]) -> Result<Request<Body>, Error> {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(pairs);
        Ok(self
            .request("POST", url)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(&all)?))?)
    }

    /// Logs in as the identity `who` through the login page of `base` (naming `host`, if
    /// any), then opens `then`, which must answer 200.
    pub async fn login(
        http: &Http,
        base: &str,
        host: Option<&str>,
        who: &str,
        then: &str,
    ) -> Result<Browser, Error> {
        let mut b = Browser::new(host);
        b.get(http, &format!("{base}/login")).await?;
        let req = b.post_request(
            &format!("{base}/login"),
            &[("identitet", who), ("next", "/")],
        )?;
        let reply = b.send(http, req).await?;
        if reply.status != StatusCode::SEE_OTHER {
            return Err(format!("login as {who}: {}", reply.status).into());
        }
        let reply = b.get(http, &format!("{base}{then}")).await?;
        if reply.status != StatusCode::OK {
            return Err(format!("{then} after login as {who}: {}", reply.status).into());
        }
        Ok(b)
    }
}

fn location(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// How one sign-up through a link was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 303 to Mine opgaver: the person has the seat.
    Seat,
    /// 200: the link page again, saying why not (the seats are taken).
    Refused,
    /// 503 with the Danish "Prøv igen om lidt" page.
    TryAgain,
    /// Any other status (or a 503 without the try-again page).
    Other(StatusCode),
    /// No answer: the connection broke (the host died).
    Unanswered,
}

impl Answer {
    /// What `reply` to a sign-up means.
    pub fn of(reply: &Reply) -> Answer {
        match reply.status {
            StatusCode::SEE_OTHER if reply.location == "/mine-opgaver" => Answer::Seat,
            StatusCode::OK => Answer::Refused,
            StatusCode::SERVICE_UNAVAILABLE if reply.body.contains("Prøv igen om lidt") => {
                Answer::TryAgain
            }
            s => Answer::Other(s),
        }
    }
}

/// Sends every request at the same instant (each waits at one barrier) and returns the
/// answers in the requests' order.
pub async fn at_once(http: &Http, requests: Vec<Request<Body>>) -> Vec<Answer> {
    let barrier = Arc::new(tokio::sync::Barrier::new(requests.len()));
    let mut tasks = Vec::new();
    for req in requests {
        let (http, barrier) = (http.clone(), Arc::clone(&barrier));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            match Browser::default().send(&http, req).await {
                Ok(reply) => Answer::of(&reply),
                Err(_) => Answer::Unanswered,
            }
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap_or(Answer::Unanswered));
    }
    out
}

/// One request of a [`closed_loop`].
#[derive(Debug, Clone)]
pub struct Sample {
    /// Which target it went to.
    pub target: usize,
    /// When it started, after the loop's start.
    pub start: Duration,
    /// How long the answer took.
    pub latency: Duration,
    /// What the caller's `mark` read from the answer's body.
    pub mark: Option<String>,
}

/// `clients` tasks, each sending `per_client` GETs in turn over `targets` (a logged-in
/// browser and a URL each; client `c`'s request `r` goes to target `c·per_client + r`),
/// every answer 200. Every request's sample (with what `mark` reads from its body), and the
/// wall time.
pub async fn closed_loop(
    http: &Http,
    targets: Arc<Vec<(Browser, String)>>,
    clients: usize,
    per_client: usize,
    mark: fn(&str) -> Option<String>,
) -> Result<(Vec<Sample>, Duration), Error> {
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, targets) = (http.clone(), Arc::clone(&targets));
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::with_capacity(per_client);
            for r in 0..per_client {
                let target = (c * per_client + r) % targets.len().max(1);
                let Some((b, url)) = targets.get(target) else {
                    return Err::<Vec<Sample>, Error>("no target".into());
                };
                let mut b = b.clone();
                let t = Instant::now();
                let reply = b.get(&http, url).await?;
                let latency = t.elapsed();
                if reply.status != StatusCode::OK {
                    return Err(format!("{url}: status {}", reply.status).into());
                }
                out.push(Sample {
                    target,
                    start: t.duration_since(t0),
                    latency,
                    mark: mark(&reply.body),
                });
            }
            Ok(out)
        }));
    }
    let mut samples = Vec::new();
    for t in tasks {
        samples.extend(t.await??);
    }
    Ok((samples, t0.elapsed()))
}

/// The latencies of `samples`, sorted.
pub fn sorted_latencies<'a>(samples: impl IntoIterator<Item = &'a Sample>) -> Vec<Duration> {
    let mut out: Vec<Duration> = samples.into_iter().map(|s| s.latency).collect();
    out.sort();
    out
}

/// The `p` quantile (0–1) of sorted durations (nearest rank).
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

/// A duration in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The resident memory of process `pid` (`"self"`: this one) in MB, as `/proc/<pid>/status`
/// says (Linux); `None` where it cannot be read.
pub fn rss_mb(pid: &str) -> Option<f64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
}

/// The machine's load average over the last minute, as `/proc/loadavg` says.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}
