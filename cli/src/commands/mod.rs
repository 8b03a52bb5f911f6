pub mod programs;
pub mod run;
