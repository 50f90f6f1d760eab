//! The Prometheus endpoint: an HTTP listener actor (`metrics-port`, `metrics-bind`) answering
//! `GET /metrics` with the text format 0.0.4, gathered at scrape time from the mailbox
//! registry, the server's shared counters, the keyspace (asked with [`GetFigures`]) and, in
//! Sentinel mode, the masters' views.
//!
//! The HTTP is minimal HTTP/1.1: one request per connection, answered then closed.

pub mod gather;
pub mod text;

use crate::keyspace::figures::GetFigures;
use crate::metrics::{Counted, Mailbox};
use crate::monitor::shared::Shared;
use crate::server::ServerContext;
use actix::prelude::*;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long a scrape's client may take to send its request, and we to answer it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest request head we read.
const MAX_REQUEST: usize = 8192;

/// Where a scrape's figures come from.
pub struct Sources {
    pub server: Arc<ServerContext>,
    /// The keyspace and its mailbox (a server; a Sentinel has none).
    pub keyspace: Option<Counted<Recipient<GetFigures>>>,
    /// The Sentinel's shared state (Sentinel mode).
    pub sentinel: Option<Arc<Shared>>,
}

/// The endpoint as configured: the listener actor of the bound address, if any. CONFIG SET of
/// `metrics-port` or `metrics-bind` calls [`MetricsEndpoint::apply`].
pub struct MetricsEndpoint {
    sources: Arc<Sources>,
    current: Mutex<Option<(SocketAddr, Addr<MetricsListener>)>>,
}

impl MetricsEndpoint {
    pub fn new(sources: Sources) -> Arc<Self> {
        Arc::new(MetricsEndpoint {
            sources: Arc::new(sources),
            current: Mutex::new(None),
        })
    }

    /// The address listened on, if any.
    pub fn address(&self) -> Option<SocketAddr> {
        lock(&self.current).as_ref().map(|(a, _)| *a)
    }

    /// Listens on `bind:port` (port 0: not at all), replacing the listener of another address.
    /// The new socket is bound before the old one closes, so moving to an address that
    /// conflicts with the current one (same port, wider address) is refused. Must run inside
    /// an actix system.
    pub fn apply(&self, port: u16, bind: &str) -> Result<(), String> {
        let mut current = lock(&self.current);
        if port == 0 {
            if let Some((_, old)) = current.take() {
                old.do_send(StopMetrics);
            }
            return Ok(());
        }
        let addr = (bind, port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .ok_or_else(|| format!("Unable to resolve metrics-bind '{bind}'"))?;
        if current.as_ref().is_some_and(|(a, _)| *a == addr) {
            return Ok(());
        }
        let sock = crate::listener::bind(addr, 128)
            .map_err(|e| format!("Unable to listen on {addr} for metrics: {e}"))?;
        let local = sock.local_addr().map_err(|e| e.to_string())?;
        let actor = MetricsListener::new(sock, local, self.sources.clone()).start();
        if let Some((_, old)) = current.replace((local, actor)) {
            old.do_send(StopMetrics);
        }
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Closes the metrics listening socket.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct StopMetrics;

/// Accepts scrapes on one address; each is served by its own task.
pub struct MetricsListener {
    listener: Option<std::net::TcpListener>,
    sources: Arc<Sources>,
    mailbox: Arc<Mailbox>,
    log: slog::Logger,
}

impl MetricsListener {
    fn new(listener: std::net::TcpListener, local: SocketAddr, sources: Arc<Sources>) -> Self {
        let name = format!("metrics/{local}");
        MetricsListener {
            listener: Some(listener),
            mailbox: sources.server.mailboxes.register(name.clone()),
            log: sources.server.log.new(slog::o!("actor" => name)),
            sources,
        }
    }
}

impl Actor for MetricsListener {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        crate::listener::accept(self.listener.take(), ctx, &self.log);
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        self.sources
            .server
            .mailboxes
            .unregister(self.mailbox.name());
    }
}

impl Handler<StopMetrics> for MetricsListener {
    type Result = ();

    fn handle(&mut self, _: StopMetrics, ctx: &mut Self::Context) {
        // Not sent through a counted peer: counted here as sent and taken up at once.
        let _h = self.mailbox.tick();
        ctx.stop();
    }
}

impl StreamHandler<io::Result<(TcpStream, SocketAddr)>> for MetricsListener {
    fn handle(&mut self, item: io::Result<(TcpStream, SocketAddr)>, _: &mut Self::Context) {
        // Not sent through a counted peer: counted here as sent and taken up at once.
        let _h = self.mailbox.tick();
        match item {
            Ok((stream, peer)) => {
                let sources = self.sources.clone();
                let log = self.log.clone();
                actix::spawn(async move {
                    let served = tokio::time::timeout(REQUEST_TIMEOUT, serve(stream, &sources));
                    match served.await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => {
                            slog::debug!(log, "Metrics request failed"; "peer" => %peer, "error" => %e)
                        }
                        Err(_) => slog::debug!(log, "Metrics request timed out"; "peer" => %peer),
                    }
                });
            }
            Err(e) => slog::warn!(self.log, "Accepting metrics connection"; "error" => %e),
        }
    }

    fn finished(&mut self, _: &mut Self::Context) {}
}

/// What a request asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    Metrics,
    NotFound,
    BadRequest,
}

/// Routes a request head: `GET /metrics` (a query string allowed) is the only page.
pub fn route(head: &[u8]) -> Route {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.trim_end_matches('\r').split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Route::BadRequest;
    };
    if !version.starts_with("HTTP/1.") {
        return Route::BadRequest;
    }
    let path = target.split('?').next().unwrap_or(target);
    if method == "GET" && path == "/metrics" {
        Route::Metrics
    } else {
        Route::NotFound
    }
}

/// Reads one request head and answers it.
async fn serve(mut stream: TcpStream, sources: &Sources) -> io::Result<()> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() >= MAX_REQUEST {
            break;
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let (status, content_type, body) = match route(&head) {
        Route::Metrics => ("200 OK", text::CONTENT_TYPE, gather::gather(sources).await),
        Route::NotFound => ("404 Not Found", "text/plain", "Not Found\n".to_string()),
        Route::BadRequest => ("400 Bad Request", "text/plain", "Bad Request\n".to_string()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let cases: &[(&[u8], Route)] = &[
            (b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", Route::Metrics),
            (b"GET /metrics?x=1 HTTP/1.0\r\n\r\n", Route::Metrics),
            (b"GET / HTTP/1.1\r\n\r\n", Route::NotFound),
            (b"POST /metrics HTTP/1.1\r\n\r\n", Route::NotFound),
            (b"GET /metricsx HTTP/1.1\r\n\r\n", Route::NotFound),
            (b"hello\r\n\r\n", Route::BadRequest),
            (b"", Route::BadRequest),
        ];
        for (head, want) in cases {
            assert_eq!(&route(head), want, "{}", String::from_utf8_lossy(head));
        }
    }
}
