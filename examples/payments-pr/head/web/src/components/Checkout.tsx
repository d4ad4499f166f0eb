import { useState } from 'react';

interface CheckoutProps {
  amountCents: number;
  customerId: string;
  onPaid: () => void;
}

export function Checkout({ amountCents, customerId, onPaid }: CheckoutProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function pay() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/checkout', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ amountCents, customerId }),
      });
      if (!res.ok) throw new Error(`checkout failed (${res.status})`);
      onPaid();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="checkout">
      <button disabled={busy} onClick={pay}>
        Pay {(amountCents / 100).toFixed(2)}
      </button>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
