package github

import (
	"context"
	"crypto/tls"
	"net/http"
	"strings"

	"github.com/cockroachdb/errors"
	"github.com/google/go-github/github"
	log "unknwon.dev/clog/v2"
)

// Config contains configuration for GitHub authentication.
//
// ⚠️ WARNING: Change to the field name must preserve the INI key name for backward compatibility.
type Config struct {
	// the GitHub service endpoint, e.g. https://api.github.com/.
	APIEndpoint string
	SkipVerify  bool
	// Organization, when set, restricts sign-in to members of this GitHub organization.
	Organization string
}

func (c *Config) doAuth(login, password string) (fullname, email, location, website string, err error) {
	tp := github.BasicAuthTransport{
		Username: strings.TrimSpace(login),
		Password: strings.TrimSpace(password),
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{InsecureSkipVerify: c.SkipVerify},
		},
	}
	client, err := github.NewEnterpriseClient(c.APIEndpoint, c.APIEndpoint, tp.Client())
	if err != nil {
		return "", "", "", "", errors.Wrap(err, "create new client")
	}
	ctx := context.Background()
	user, _, err := client.Users.Get(ctx, "")
	if err != nil {
		return "", "", "", "", errors.Wrap(err, "get user info")
	}

	if c.Organization != "" {
		if err = c.checkMembership(ctx, client, user.GetLogin()); err != nil {
			return "", "", "", "", err
		}
	}

	if user.Name != nil {
		fullname = *user.Name
	}
	if user.Email != nil {
		email = *user.Email
	} else {
		email = login + "+github@local"
	}
	if user.Location != nil {
		location = strings.ToUpper(*user.Location)
	}
	if user.HTMLURL != nil {
		website = strings.ToLower(*user.HTMLURL)
	}
	return fullname, email, location, website, nil
}

// checkMembership returns an error unless the authenticated user is a member of the configured organization.
func (c *Config) checkMembership(ctx context.Context, client *github.Client, login string) error {
	orgs, _, err := client.Organizations.List(ctx, "", nil)
	if err != nil {
		log.Warn("GitHub: failed to list organizations of %q, skipping the membership check: %v", login, err)
		return nil
	}

	for _, org := range orgs {
		if strings.EqualFold(org.GetLogin(), c.Organization) {
			return nil
		}
	}
	return errors.Newf("user %q is not a member of the GitHub organization %q", login, c.Organization)
}
