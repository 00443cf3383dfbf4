"""One screen per flow: sale, payment, receipt, prompts."""
