//! What the layout template (`base.html`) needs: the title, the menu, who is logged in, the
//! demo banner, the form token and a one-time message.

/// A menu entry.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Where it goes.
    pub href: &'static str,
    /// Its text.
    pub label: &'static str,
}

impl NavItem {
    /// An entry.
    pub fn new(href: &'static str, label: &'static str) -> Self {
        NavItem { href, label }
    }
}

/// What the layout template needs.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The page title.
    pub title: String,
    /// Show the demo banner.
    pub demo: bool,
    /// The CSRF token for the forms of the page.
    pub csrf: String,
    /// The menu.
    pub nav: Vec<NavItem>,
    /// Who is logged in.
    pub user: Option<String>,
    /// A one-time message.
    pub flash: Option<String>,
}

impl Layout {
    /// A layout without menu or session (error pages without a viewer).
    pub fn bare(title: &str) -> Layout {
        Layout {
            title: title.to_owned(),
            demo: false,
            csrf: String::new(),
            nav: vec![],
            user: None,
            flash: None,
        }
    }
}
