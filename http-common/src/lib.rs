//! Shared by http-get and http-post.
