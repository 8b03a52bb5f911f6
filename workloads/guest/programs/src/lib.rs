//! Helpers shared by the guest programs.
#![no_std]
