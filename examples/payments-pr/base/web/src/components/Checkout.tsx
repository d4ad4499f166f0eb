import { useState } from 'react';

interface CheckoutProps {
  amountCents: number;
  onPaid: () => void;
}

export function Checkout({ amountCents, onPaid }: CheckoutProps) {
  const [busy, setBusy] = useState(false);

  async function pay() {
    setBusy(true);
    try {
      await fetch('/api/checkout', { method: 'POST', body: JSON.stringify({ amountCents }) });
      onPaid();
    } finally {
      setBusy(false);
    }
  }

  return (
    <button disabled={busy} onClick={pay}>
      Pay {(amountCents / 100).toFixed(2)}
    </button>
  );
}
