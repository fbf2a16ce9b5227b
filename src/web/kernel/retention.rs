//! The server's purge of uploads past their time (`crate::retention`): once at start,
//! before the first request, and then every day while it runs.

use std::time::Duration;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::{Orbit, Rocket};
use rocket_db_pools::Database;

use crate::app::Pool;
use crate::config::AppConfig;
use crate::storage::Db;

const DAY: Duration = Duration::from_hours(24);

pub struct Daily;

async fn purge(pool: &Pool, config: &AppConfig) {
    match crate::app::retention::run(pool, config, crate::app::Actor::system()).await {
        Ok(purged) if !purged.is_empty() => rocket::info!("retention purge: {purged:?}"),
        Ok(_) => {}
        Err(e) => rocket::error!("retention purge failed: {e}"),
    }
}

#[rocket::async_trait]
impl Fairing for Daily {
    fn info(&self) -> Info {
        Info { name: "retention purge at start and daily", kind: Kind::Liftoff }
    }

    async fn on_liftoff(&self, rocket: &Rocket<Orbit>) {
        let (Some(db), Some(config)) = (Db::fetch(rocket), rocket.state::<AppConfig>()) else { return };
        let (pool, config): (Pool, AppConfig) = ((**db).clone(), config.clone());
        purge(&pool, &config).await;
        rocket::tokio::spawn(async move {
            loop {
                rocket::tokio::time::sleep(DAY).await;
                purge(&pool, &config).await;
            }
        });
    }
}
