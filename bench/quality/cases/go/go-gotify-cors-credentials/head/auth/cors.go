package auth

import (
	"regexp"
	"strings"
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gotify/server/v2/config"
)

// CorsConfig generates a config to use in gin cors middleware based on server configuration.
func CorsConfig(conf *config.Configuration) cors.Config {
	corsConf := cors.Config{
		MaxAge:                 12 * time.Hour,
		AllowBrowserExtensions: true,
	}
	compiledOrigins := compileAllowedCORSOrigins(conf.Server.Cors.AllowOrigins)
	corsConf.AllowMethods = conf.Server.Cors.AllowMethods
	corsConf.AllowHeaders = conf.Server.Cors.AllowHeaders
	allowedDomains := normalizeAllowedDomains(conf.Server.Cors.AllowDomains)
	// the web UI served from another origin authenticates with the session cookie
	corsConf.AllowCredentials = len(allowedDomains) > 0
	corsConf.AllowOriginFunc = func(origin string) bool {
		origin = strings.ToLower(origin)
		for _, compiledOrigin := range compiledOrigins {
			if compiledOrigin.MatchString(origin) {
				return true
			}
		}
		// a domain allows itself and all of its subdomains, on any scheme and port
		host := strings.TrimPrefix(strings.TrimPrefix(origin, "https://"), "http://")
		if i := strings.LastIndex(host, ":"); i != -1 {
			host = host[:i]
		}
		for _, domain := range allowedDomains {
			if strings.HasSuffix(host, domain) {
				return true
			}
		}
		return false
	}
	if allowedOrigin := headerIgnoreCase(conf, "access-control-allow-origin"); allowedOrigin != "" && len(compiledOrigins) == 0 {
		corsConf.AllowOrigins = append(corsConf.AllowOrigins, allowedOrigin)
	}

	return corsConf
}

func headerIgnoreCase(conf *config.Configuration, search string) (value string) {
	for key, value := range conf.Server.ResponseHeaders {
		if strings.ToLower(key) == search {
			return value
		}
	}
	return ""
}

func normalizeAllowedDomains(domains []string) []string {
	var normalized []string
	for _, domain := range domains {
		domain = strings.ToLower(strings.TrimSpace(domain))
		if domain != "" {
			normalized = append(normalized, strings.TrimPrefix(domain, "."))
		}
	}
	return normalized
}

func compileAllowedCORSOrigins(allowedOrigins []string) []*regexp.Regexp {
	var compiledAllowedOrigins []*regexp.Regexp
	for _, origin := range allowedOrigins {
		compiledAllowedOrigins = append(compiledAllowedOrigins, regexp.MustCompile(origin))
	}

	return compiledAllowedOrigins
}
