// sqlx::migrate! embeds the migration folders at compile time but does not notice a new file on
// its own: without this, a build after adding a migration silently ships the old set.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
