fn main() {
    println!("asyncsim");
}
