// Filled in by the control-plane work on this domain.
export {};
