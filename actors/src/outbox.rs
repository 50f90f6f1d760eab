//! The write side of a link actor's socket (a replica's link to its master, a Sentinel's link
//! to an instance): handlers queue bytes at any time, and they go out in order, one write in
//! flight at a time, without blocking the actor.

use actix::fut::ActorFutureExt;
use actix::{Actor, AsyncContext, Context, WrapFuture};
use tokio::io::AsyncWriteExt;
use tokio::net::tcp::OwnedWriteHalf;

#[derive(Default)]
pub struct Outbox {
    /// The socket, when attached and no write is in flight.
    writer: Option<OwnedWriteHalf>,
    queued: Vec<u8>,
    /// Bumped whenever the socket is attached or dropped, so that a write on an old connection
    /// that finishes late does not hand its socket back.
    epoch: u64,
}

/// Called when a write fails; the outbox is left as it was (detach it to drop the socket).
pub type OnWriteError<A> = fn(&mut A, std::io::Error, &mut Context<A>);

impl Outbox {
    /// A new connection. What was queued while there was none stays queued for it.
    pub fn attach(&mut self, writer: OwnedWriteHalf) {
        self.epoch += 1;
        self.writer = Some(writer);
    }

    /// The connection is gone (or being replaced): its socket and queue are dropped.
    pub fn detach(&mut self) {
        self.epoch += 1;
        self.writer = None;
        self.queued.clear();
    }

    /// Drops what is queued and not yet being written.
    pub fn clear(&mut self) {
        self.queued.clear();
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.queued.extend_from_slice(bytes);
    }

    /// Takes what is queued, to put something in front of it.
    pub fn take_queued(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.queued)
    }

    /// Starts writing what is queued unless a write is in flight or no socket is attached.
    /// When a write finishes, what was queued meanwhile follows; if it fails, `failed` runs.
    /// `field` finds the outbox in the actor, which the write's completion needs back.
    pub fn flush<A>(
        act: &mut A,
        ctx: &mut Context<A>,
        field: fn(&mut A) -> &mut Outbox,
        failed: OnWriteError<A>,
    ) where
        A: Actor<Context = Context<A>>,
    {
        let outbox = field(act);
        if outbox.queued.is_empty() {
            return;
        }
        let Some(mut writer) = outbox.writer.take() else {
            return;
        };
        let bytes = std::mem::take(&mut outbox.queued);
        let epoch = outbox.epoch;
        ctx.spawn(
            async move {
                let r = writer.write_all(&bytes).await;
                (writer, r)
            }
            .into_actor(act)
            .map(move |(writer, r), act, ctx| {
                let outbox = field(act);
                if outbox.epoch != epoch {
                    return;
                }
                outbox.writer = Some(writer);
                match r {
                    Ok(()) => Outbox::flush(act, ctx, field, failed),
                    Err(e) => failed(act, e, ctx),
                }
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix::{Handler, Message};
    use tokio::io::AsyncReadExt;
    use tokio::net::{TcpListener, TcpStream};

    /// An actor that only writes: each `Write` queues bytes and flushes.
    struct Writer {
        outbox: Outbox,
        errors: Vec<String>,
    }

    impl Actor for Writer {
        type Context = Context<Self>;
    }

    #[derive(Message)]
    #[rtype(result = "()")]
    struct Write(&'static [u8]);

    #[derive(Message)]
    #[rtype(result = "Vec<String>")]
    struct GetErrors;

    impl Writer {
        fn flush(&mut self, ctx: &mut Context<Self>) {
            Outbox::flush(
                self,
                ctx,
                |w| &mut w.outbox,
                |w, e, _| w.errors.push(e.to_string()),
            );
        }
    }

    impl Handler<Write> for Writer {
        type Result = ();
        fn handle(&mut self, msg: Write, ctx: &mut Context<Self>) {
            self.outbox.push(msg.0);
            self.flush(ctx);
        }
    }

    impl Handler<GetErrors> for Writer {
        type Result = Vec<String>;
        fn handle(&mut self, _: GetErrors, _: &mut Context<Self>) -> Vec<String> {
            self.errors.clone()
        }
    }

    async fn pair() -> (OwnedWriteHalf, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let (_, write) = client.into_split();
        (write, server)
    }

    fn start(outbox: Outbox) -> actix::Addr<Writer> {
        Writer {
            outbox,
            errors: Vec::new(),
        }
        .start()
    }

    /// A read from the peer, bounded in time.
    async fn within<T>(
        what: &str,
        read: impl std::future::Future<Output = std::io::Result<T>>,
    ) -> T {
        tokio::time::timeout(std::time::Duration::from_secs(5), read)
            .await
            .unwrap_or_else(|_| panic!("{what}: timed out"))
            .unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    #[actix_rt::test]
    async fn bytes_queued_while_a_write_is_in_flight_follow_in_order() {
        let (write, mut peer) = pair().await;
        let mut outbox = Outbox::default();
        outbox.attach(write);
        let addr = start(outbox);
        for part in [&b"one "[..], b"two ", b"three"] {
            addr.send(Write(part)).await.unwrap();
        }
        let mut got = vec![0u8; 13];
        within("the bytes arrive", peer.read_exact(&mut got)).await;
        assert_eq!(&got, b"one two three");
        assert!(addr.send(GetErrors).await.unwrap().is_empty());
    }

    #[actix_rt::test]
    async fn nothing_is_written_once_detached_and_a_new_socket_gets_only_its_own() {
        let (old, mut old_peer) = pair().await;
        let (new, mut new_peer) = pair().await;
        let mut outbox = Outbox::default();
        outbox.attach(old);
        outbox.push(b"for the old one");
        outbox.detach();
        // Queued while disconnected: for the next connection.
        outbox.push(b"ne");
        outbox.attach(new);
        outbox.push(b"w");
        let addr = start(outbox);
        addr.send(Write(b"!")).await.unwrap();
        let mut got = [0u8; 4];
        within("the bytes arrive", new_peer.read_exact(&mut got)).await;
        assert_eq!(&got, b"new!");
        // The old socket was dropped unwritten: its peer reads end of stream.
        let mut rest = Vec::new();
        within("the old socket closes", old_peer.read_to_end(&mut rest)).await;
        assert!(rest.is_empty(), "{rest:?}");
        assert!(addr.send(GetErrors).await.unwrap().is_empty());
    }
}
