package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// Entry is one double-entry line sent to the accounting system.
type Entry struct {
	ID          string `json:"id"`
	Account     string `json:"account"`
	AmountCents int64  `json:"amount_cents"`
	Currency    string `json:"currency"`
}

// Export posts the day's ledger entries to the accounting system.
func Export(baseURL string, entries []Entry) error {
	for _, e := range entries {
		body, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode entry %s: %w", e.ID, err)
		}
		client := &http.Client{}
		resp, err := client.Post(baseURL+"/ledger/entries", "application/json", bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("export entry %s: %v", e.ID, err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			return fmt.Errorf("export entry %s: status %d", e.ID, resp.StatusCode)
		}
	}
	return nil
}
