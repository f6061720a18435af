"""Runners: boot an image under QEMU or run it as a Linux process."""
