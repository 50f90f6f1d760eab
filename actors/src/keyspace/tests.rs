//! The keyspace actor alone: batches in, replies out, no connection involved.

use super::*;
use crate::server::ServerContext;
use protocol::Resp;

fn batch(cmds: &[&[&str]]) -> Vec<Vec<Bytes>> {
    cmds.iter()
        .map(|c| {
            c.iter()
                .map(|a| Bytes::copy_from_slice(a.as_bytes()))
                .collect()
        })
        .collect()
}

#[actix_rt::test]
async fn a_batch_is_answered_in_order_in_one_buffer() {
    let server = ServerContext::for_tests();
    let addr = KeyspaceActor::new(server.clone()).start();
    let session = Session::new(1, true);
    let cmds = batch(&[&["SET", "k", "v"], &["GET", "k"], &["NOPE"], &["PING"]]);
    let done = addr
        .send(Execute {
            session,
            cmds,
            out: BytesMut::new(),
        })
        .await
        .unwrap();
    assert_eq!(
        &done.out[..],
        &b"+OK\r\n$1\r\nv\r\n-ERR unknown command 'NOPE', with args beginning with: \r\n+PONG\r\n"
            [..]
    );
    let mb = server.mailboxes.get("keyspace/0").unwrap().snapshot();
    assert_eq!((mb.handled, mb.in_flight), (1, 0));
}

#[actix_rt::test]
async fn the_session_comes_back_changed() {
    let server = ServerContext::for_tests();
    let addr = KeyspaceActor::new(server).start();
    let mut session = Session::new(1, true);
    session.resp = Resp::V3;
    let cmds = batch(&[&["GET", "missing"]]);
    let done = addr
        .send(Execute {
            session,
            cmds,
            out: BytesMut::new(),
        })
        .await
        .unwrap();
    assert_eq!(&done.out[..], b"_\r\n");
    assert_eq!(done.session.resp, Resp::V3);
}

fn run(
    addr: &Addr<KeyspaceActor>,
    id: u64,
    cmds: &[&[&str]],
) -> actix::dev::Request<KeyspaceActor, Execute> {
    addr.send(Execute {
        session: Session::new(id, true),
        cmds: batch(cmds),
        out: BytesMut::new(),
    })
}

#[actix_rt::test]
async fn a_blocked_client_is_woken_by_the_push_that_serves_it() {
    let addr = KeyspaceActor::new(ServerContext::for_tests()).start();
    // A blocks; the rest of its batch waits behind the blocking command.
    let a = run(&addr, 1, &[&["BLPOP", "q", "0"], &["GET", "after"]]);
    let b = run(&addr, 2, &[&["SET", "after", "x"], &["RPUSH", "q", "v"]]);
    assert_eq!(&b.await.unwrap().out[..], b"+OK\r\n:1\r\n");
    let a = a.await.unwrap();
    assert_eq!(&a.out[..], &b"*2\r\n$1\r\nq\r\n$1\r\nv\r\n$1\r\nx\r\n"[..]);
    // The pushed element went to the waiter, not into the list.
    let c = run(&addr, 3, &[&["LLEN", "q"]]).await.unwrap();
    assert_eq!(&c.out[..], b":0\r\n");
}

#[actix_rt::test]
async fn waiters_are_served_in_arrival_order_and_time_out() {
    let addr = KeyspaceActor::new(ServerContext::for_tests()).start();
    let first = run(&addr, 1, &[&["BLPOP", "q", "0"]]);
    let second = run(&addr, 2, &[&["BLPOP", "q", "0.05"]]);
    // Let both park before the push.
    let _ = run(&addr, 9, &[&["PING"]]).await;
    let _ = run(&addr, 3, &[&["RPUSH", "q", "one"]]).await;
    assert_eq!(
        &first.await.unwrap().out[..],
        &b"*2\r\n$1\r\nq\r\n$3\r\none\r\n"[..]
    );
    // Nothing else came: the second waiter times out with a null array.
    assert_eq!(&second.await.unwrap().out[..], b"*-1\r\n");
}

#[actix_rt::test]
async fn a_gone_client_stops_waiting_and_a_set_wakes_nobody() {
    let server = ServerContext::for_tests();
    let addr = KeyspaceActor::new(server).start();
    let waiting = run(&addr, 1, &[&["BLPOP", "q", "0"]]);
    let _ = run(&addr, 9, &[&["PING"]]).await;
    let info = run(&addr, 9, &[&["INFO", "clients"]]).await.unwrap();
    assert!(String::from_utf8_lossy(&info.out).contains("blocked_clients:1"));
    // A value of another type leaves the waiter parked.
    let _ = run(&addr, 2, &[&["SET", "q", "s"]]).await;
    addr.send(ClientGone { id: 1 }).await.unwrap();
    drop(waiting);
    let info = run(&addr, 9, &[&["INFO", "clients"]]).await.unwrap();
    assert!(String::from_utf8_lossy(&info.out).contains("blocked_clients:0"));
}

#[actix_rt::test]
async fn client_pause_write_holds_writes_until_unpause() {
    let addr = KeyspaceActor::new(ServerContext::for_tests()).start();
    let paused = run(&addr, 1, &[&["CLIENT", "PAUSE", "10000", "WRITE"]])
        .await
        .unwrap();
    assert_eq!(&paused.out[..], b"+OK\r\n");
    // Reads go on; the write and what follows it wait.
    let held = run(
        &addr,
        2,
        &[&["GET", "k"], &["SET", "k", "v"], &["GET", "k"]],
    );
    let read = run(&addr, 3, &[&["GET", "k"]]).await.unwrap();
    assert_eq!(&read.out[..], b"$-1\r\n");
    let un = run(&addr, 1, &[&["CLIENT", "UNPAUSE"]]).await.unwrap();
    assert_eq!(&un.out[..], b"+OK\r\n");
    assert_eq!(&held.await.unwrap().out[..], b"$-1\r\n+OK\r\n$1\r\nv\r\n");
}

#[actix_rt::test]
async fn client_pause_all_ends_by_itself() {
    let addr = KeyspaceActor::new(ServerContext::for_tests()).start();
    let _ = run(&addr, 1, &[&["CLIENT", "PAUSE", "50"]]).await.unwrap();
    let started = std::time::Instant::now();
    let held = run(&addr, 2, &[&["PING"]]).await.unwrap();
    assert_eq!(&held.out[..], b"+PONG\r\n");
    assert!(started.elapsed() >= Duration::from_millis(40));
    let errors = run(
        &addr,
        1,
        &[
            &["CLIENT", "PAUSE", "x"],
            &["CLIENT", "PAUSE", "-1"],
            &["CLIENT", "PAUSE", "1", "FOO"],
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&errors.out),
        "-ERR timeout is not an integer or out of range\r\n-ERR timeout is negative\r\n-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n"
    );
}
