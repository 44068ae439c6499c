//! Start-up: open and migrate the database, load the calendar, serve until stopped.

use anyhow::{Context, Result};
use fazhi_db::Db;
use std::net::SocketAddr;
use std::time::Duration;

/// Opens the database and brings its schema up to date.
pub async fn open_database(url: &str) -> Result<Db> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    Ok(db)
}

pub async fn app_state(db: Db, config: &crate::config::Config) -> Result<fazhi_web::AppState> {
    let calendar = fazhi_db::calendar::load(&db).await?;
    let indexed = fazhi_db::search::index_if_empty(&db).await?;
    if indexed > 0 {
        tracing::info!(
            indexed,
            "built the full-text index of the records published before it"
        );
    }
    Ok(fazhi_web::AppState::new(db, calendar, config.web()))
}

/// Binds `listen` (use port 0 in tests) and serves until Ctrl-C or SIGTERM.
pub async fn serve(
    state: fazhi_web::AppState,
    listen: &str,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("无法监听 {listen}"))?;
    let address = listener.local_addr()?;
    spawn_session_purger(state.db.clone());
    // The search dictionary takes a few hundred milliseconds to load: not on a reader's request.
    tokio::task::spawn_blocking(fazhi_core::search::warm_up);
    on_ready(address);
    axum::serve(listener, fazhi_web::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

fn spawn_session_purger(db: Db) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(3600));
        loop {
            interval.tick().await;
            if let Err(error) =
                fazhi_db::auth::purge_expired_sessions(&db, fazhi_core::clock::now()).await
            {
                tracing::warn!(?error, "could not purge expired sessions");
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
