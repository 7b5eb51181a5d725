//! Rendered content of expensive pages (the overview), shared by viewers with the same role.
//!
//! An entry is fresh until any POST through this portal (which may have changed data) or for
//! [`PageCache::TTL`] (for changes made elsewhere, e.g. another portal on the same database).
//! After that, for at most [`PageCache::STALE_FOR`] more, the old content is still answered
//! while one request's render refreshes it in the background: on a busy hosted installation a
//! reader waits for a render only when a page was never made or this portal changed data, not
//! every time an entry's lifetime ends. The page says when it was counted ("Optalt kl.").

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, RwLock};

/// Rendered pages of one municipality: `(title, HTML)` by key.
#[derive(Debug, Default)]
pub struct PageCache {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    generation: AtomicU64,
    entries: RwLock<HashMap<String, Entry>>,
    /// One render at a time, so a burst of requests renders once.
    compute: Mutex<()>,
    /// The keys being refreshed in the background.
    refreshing: std::sync::Mutex<HashSet<String>>,
}

#[derive(Debug)]
struct Entry {
    generation: u64,
    at: Instant,
    content: Arc<(String, String)>,
}

/// What the cache holds under a key.
enum Found {
    Fresh(Arc<(String, String)>),
    Stale(Arc<(String, String)>),
    Missing,
}

impl PageCache {
    /// How long content is fresh (if nothing changes through this portal).
    pub const TTL: Duration = Duration::from_secs(2);
    /// How much longer content past its lifetime is still answered while it is refreshed.
    pub const STALE_FOR: Duration = Duration::from_secs(30);
    /// At most this many entries are kept.
    const MAX_ENTRIES: usize = 256;

    /// Forgets everything (after a change): the next request renders and waits for it.
    pub fn invalidate(&self) {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The content under `key`, rendering it with `render` when missing or from before a
    /// change; content past its lifetime is answered once more while `render` refreshes it in
    /// the background (one refresh per key at a time).
    pub async fn get_or_render<F, Fut, E>(
        &self,
        key: String,
        render: F,
    ) -> Result<Arc<(String, String)>, E>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<(String, String), E>> + Send + 'static,
        E: std::fmt::Debug + Send + 'static,
    {
        match self.inner.find(&key).await {
            Found::Fresh(c) => return Ok(c),
            Found::Stale(c) => {
                if self.inner.claim_refresh(&key) {
                    let inner = Arc::clone(&self.inner);
                    tokio::spawn(async move {
                        if let Err(e) = inner.render_and_keep(&key, render).await {
                            tracing::warn!(page = %key, error = ?e, "refreshing a cached page failed");
                        }
                        inner.release_refresh(&key);
                    });
                }
                return Ok(c);
            }
            Found::Missing => {}
        }
        self.inner.render_and_keep(&key, render).await
    }
}

impl Inner {
    async fn find(&self, key: &str) -> Found {
        let generation = self.generation.load(Ordering::SeqCst);
        match self.entries.read().await.get(key) {
            Some(e) if e.generation == generation => {
                let age = e.at.elapsed();
                if age < PageCache::TTL {
                    Found::Fresh(e.content.clone())
                } else if age < PageCache::TTL.saturating_add(PageCache::STALE_FOR) {
                    Found::Stale(e.content.clone())
                } else {
                    Found::Missing
                }
            }
            _ => Found::Missing,
        }
    }

    /// Whether this caller is the one to refresh `key` (no other refresh of it is running).
    fn claim_refresh(&self, key: &str) -> bool {
        self.refreshing
            .lock()
            .map(|mut keys| keys.insert(key.to_owned()))
            .unwrap_or(false)
    }

    fn release_refresh(&self, key: &str) {
        if let Ok(mut keys) = self.refreshing.lock() {
            keys.remove(key);
        }
    }

    /// Renders `key` (unless another render made it fresh meanwhile) and keeps the result.
    async fn render_and_keep<F, Fut, E>(
        &self,
        key: &str,
        render: F,
    ) -> Result<Arc<(String, String)>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(String, String), E>>,
    {
        let _one = self.compute.lock().await;
        if let Found::Fresh(c) = self.find(key).await {
            return Ok(c);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let content = Arc::new(render().await?);
        let mut entries = self.entries.write().await;
        if entries.len() >= PageCache::MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key.to_owned(),
            Entry {
                generation,
                at: Instant::now(),
                content: content.clone(),
            },
        );
        Ok(content)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// A render that counts its calls and answers "page N".
    fn counting(
        calls: &Arc<AtomicUsize>,
    ) -> impl FnOnce() -> std::future::Ready<Result<(String, String), String>> + Send + 'static
    {
        let calls = Arc::clone(calls);
        move || {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            std::future::ready(Ok(("t".to_owned(), format!("page {n}"))))
        }
    }

    /// Ages every entry by `by`, as if that much time had passed.
    async fn age(cache: &PageCache, by: Duration) {
        for e in cache.inner.entries.write().await.values_mut() {
            e.at = e.at.checked_sub(by).unwrap_or(e.at);
        }
    }

    #[tokio::test]
    async fn a_fresh_page_is_rendered_once_and_a_change_renders_it_again_before_answering() {
        let cache = PageCache::default();
        let calls = Arc::new(AtomicUsize::new(0));
        let a = cache.get_or_render("k".into(), counting(&calls)).await;
        let b = cache.get_or_render("k".into(), counting(&calls)).await;
        assert_eq!(a.map(|c| c.1.clone()), Ok("page 1".to_owned()));
        assert_eq!(b.map(|c| c.1.clone()), Ok("page 1".to_owned()));
        cache.invalidate();
        let c = cache.get_or_render("k".into(), counting(&calls)).await;
        assert_eq!(
            c.map(|c| c.1.clone()),
            Ok("page 2".to_owned()),
            "never the page from before a change"
        );
    }

    #[tokio::test]
    async fn a_page_past_its_lifetime_is_answered_once_more_while_it_is_refreshed() {
        let cache = PageCache::default();
        let calls = Arc::new(AtomicUsize::new(0));
        let _ = cache.get_or_render("k".into(), counting(&calls)).await;
        age(&cache, PageCache::TTL).await;
        let stale = cache.get_or_render("k".into(), counting(&calls)).await;
        assert_eq!(stale.map(|c| c.1.clone()), Ok("page 1".to_owned()));
        // The background refresh runs on this runtime; wait for it to keep its page.
        for _ in 0..100 {
            if calls.load(Ordering::SeqCst) == 2
                && cache
                    .inner
                    .refreshing
                    .lock()
                    .map(|k| k.is_empty())
                    .unwrap_or(false)
            {
                break;
            }
            tokio::task::yield_now().await;
        }
        let after = cache.get_or_render("k".into(), counting(&calls)).await;
        assert_eq!(after.map(|c| c.1.clone()), Ok("page 2".to_owned()));
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "one refresh, not one per request"
        );
    }

    #[tokio::test]
    async fn a_page_long_past_its_lifetime_is_rendered_before_answering() {
        let cache = PageCache::default();
        let calls = Arc::new(AtomicUsize::new(0));
        let _ = cache.get_or_render("k".into(), counting(&calls)).await;
        age(&cache, PageCache::TTL + PageCache::STALE_FOR).await;
        let c = cache.get_or_render("k".into(), counting(&calls)).await;
        assert_eq!(c.map(|c| c.1.clone()), Ok("page 2".to_owned()));
    }
}
