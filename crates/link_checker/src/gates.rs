//! Concurrency limits: one global, one per host, and a least interval between a host's request
//! starts. A request takes its host's permit before the global one, so a slow, strictly limited
//! host never holds global slots while it waits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::settings::Settings;

pub struct Gates {
    global: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<HostGate>>>,
}

struct HostGate {
    permits: Arc<Semaphore>,
    interval: std::time::Duration,
    next_start: tokio::sync::Mutex<Instant>,
}

/// Held while a request is in flight.
pub struct Pass {
    _host: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

impl Gates {
    pub fn new(settings: &Settings) -> Gates {
        Gates { global: Arc::new(Semaphore::new(settings.max_concurrency.max(1))), hosts: Mutex::new(HashMap::new()) }
    }

    /// Waits for the host's turn, then for a global slot.
    pub async fn enter(&self, host: &str, settings: &Settings) -> Pass {
        let gate = self.host_gate(host, settings);
        let host_permit = gate.permits.clone().acquire_owned().await.expect("gate semaphores are never closed");
        let start = {
            let mut next_start = gate.next_start.lock().await;
            let start = (*next_start).max(Instant::now());
            *next_start = start + gate.interval;
            start
        };
        tokio::time::sleep_until(start).await;
        let global_permit = self.global.clone().acquire_owned().await.expect("gate semaphores are never closed");
        Pass { _host: host_permit, _global: global_permit }
    }

    /// A host asked us to wait (`429 Retry-After`): no request to it starts before `until`.
    pub async fn pause(&self, host: &str, settings: &Settings, until: Instant) {
        let gate = self.host_gate(host, settings);
        let mut next_start = gate.next_start.lock().await;
        *next_start = (*next_start).max(until);
    }

    fn host_gate(&self, host: &str, settings: &Settings) -> Arc<HostGate> {
        let mut hosts = self.hosts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        hosts
            .entry(host.to_string())
            .or_insert_with(|| {
                let limits = settings.limits_for(host);
                Arc::new(HostGate {
                    permits: Arc::new(Semaphore::new(limits.concurrency.max(1))),
                    interval: limits.interval,
                    next_start: tokio::sync::Mutex::new(Instant::now()),
                })
            })
            .clone()
    }
}
