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
