"""The shared base every layer stands on: values, messages, policy, i18n, privacy,
parsing, the clock and working time. No I/O and nothing from the flows above it."""
