"""infusion_integrity: payment-integrity alerts on IV infusion and injection claims."""

__version__ = "0.1.0"
