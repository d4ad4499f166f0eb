import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'cors-origin-reflected-with-credentials';

describe('cors-origin-reflected-with-credentials (TypeScript/JavaScript)', () => {
  it('flags cors() options that echo any origin, check it by substring or suffix, or use an unanchored regex', () => {
    const src = `import cors from 'cors';

app.use(cors({ origin: true, credentials: true }));
app.use(cors({
  origin: (origin, callback) => {
    if (!origin || origin.includes('example.com')) return callback(null, true);
    callback(new Error('blocked'));
  },
  credentials: true,
}));
app.use(cors({ origin: /example\\.com/, credentials: true }));
function checkOrigin(origin, cb) {
  cb(null, !origin || origin.endsWith('example.com'));
}
app.use(cors({ origin: checkOrigin, credentials: true }));
`;
    const findings = check(RULE, 'javascript', src);
    expect(lines(findings)).toEqual([3, 6, 11, 13]);
    expect(findings[0]?.title).toBe('CORS allows credentials for origins it does not check exactly');
    expect(findings[1]?.body).toContain('a substring test');
    expect(findings[3]?.body).toContain('evil-example.com');
  });

  it('flags middleware that copies the Origin header into Access-Control-Allow-Origin with credentials', () => {
    const src = `export function corsMiddleware(req: Request, res: Response, next: NextFunction) {
  const origin = req.headers.origin;
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  next();
}
`;
    expect(lines(check(RULE, 'typescript', src))).toEqual([4]);
  });

  it('does not flag exact allow-lists, anchored patterns, suffixes with a dot, or no credentials', () => {
    const src = `const ALLOWED_ORIGINS = new Set(['https://app.example.com']);
app.use(cors({ origin: (origin, cb) => cb(null, !origin || ALLOWED_ORIGINS.has(origin)), credentials: true }));
app.use(cors({ origin: /^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/, credentials: true }));
app.use(cors({ origin: (origin, cb) => cb(null, !origin || origin.endsWith('.example.com')), credentials: true }));
app.use(cors({ origin: true }));
app.use(cors({ origin: ['https://app.example.com'], credentials: true }));
export function corsMiddleware(req, res, next) {
  const origin = req.headers.origin;
  if (ALLOWED_ORIGINS.has(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  next();
}
`;
    expect(check(RULE, 'javascript', src)).toEqual([]);
  });

  it('stays silent in tests', () => {
    expect(check(RULE, 'javascript', `app.use(cors({ origin: true, credentials: true }));\n`, { path: 'test/server.test.js' })).toEqual([]);
  });
});

describe('cors-origin-reflected-with-credentials (Python)', () => {
  it('flags Flask-CORS for all origins or loose patterns, Starlette wildcard, and django-cors-headers settings', () => {
    const flask = `from flask_cors import CORS

CORS(app, supports_credentials=True)
CORS(api, origins=[r"https://.*\\.example\\.com"], supports_credentials=True)
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
`;
    expect(lines(check(RULE, 'python', flask))).toEqual([3, 4, 5]);
    const django = `CORS_ALLOW_CREDENTIALS = True
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\\w+\\.example\\.com"]
`;
    expect(lines(check(RULE, 'python', django, { path: 'app/settings.py' }))).toEqual([2, 3]);
  });

  it('flags a view that reflects the Origin after a substring test', () => {
    const src = `def add_cors(request, response):
    origin = request.headers.get("Origin", "")
    if "example.com" in origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Credentials"] = "true"
    return response
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.body).toContain('a substring test');
  });

  it('does not flag explicit origins, anchored regexes or no credentials', () => {
    const src = `CORS(app, origins=["https://app.example.com"], supports_credentials=True)
CORS(app)
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://.*\\.example\\.com", allow_credentials=True)
CORS_ALLOW_CREDENTIALS = True
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\\w+\\.example\\.com$"]

def add_cors(request, response):
    origin = request.headers.get("Origin", "")
    if origin in ALLOWED_ORIGINS:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Credentials"] = "true"
    return response
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('cors-origin-reflected-with-credentials (Go)', () => {
  it('flags a handler reflecting the Origin after strings.HasSuffix, and rs/cors wildcard with credentials', () => {
    const src = `package api

func withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if strings.HasSuffix(origin, "example.com") {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		next.ServeHTTP(w, r)
	})
}

var c = cors.New(cors.Options{
	AllowedOrigins:   []string{"*"},
	AllowCredentials: true,
})

var d = cors.New(cors.Options{
	AllowOriginFunc:  func(origin string) bool { return strings.Contains(origin, "example.com") },
	AllowCredentials: true,
})

func corsConfig(domains []string) cors.Config {
	conf := cors.Config{}
	conf.AllowCredentials = len(domains) > 0
	conf.AllowOriginFunc = func(origin string) bool {
		host := strings.TrimPrefix(origin, "https://")
		for _, domain := range domains {
			if strings.HasSuffix(host, domain) {
				return true
			}
		}
		return false
	}
	return conf
}
`;
    expect(lines(check(RULE, 'go', src))).toEqual([7, 15, 20, 30]);
  });

  it('does not flag a map allow-list or origins without credentials', () => {
    const src = `package api

func withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if allowedOrigins[origin] {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		next.ServeHTTP(w, r)
	})
}

var c = cors.New(cors.Options{AllowedOrigins: []string{"*"}})

func corsConfig(domains []string) cors.Config {
	conf := cors.Config{AllowCredentials: true}
	conf.AllowOriginFunc = func(origin string) bool {
		host := strings.TrimPrefix(origin, "https://")
		for _, domain := range domains {
			if host == domain || strings.HasSuffix(host, "."+domain) {
				return true
			}
		}
		return false
	}
	return conf
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('cors-origin-reflected-with-credentials (Java)', () => {
  it('flags @CrossOrigin and CorsConfiguration with wildcard origin patterns and credentials', () => {
    const src = `@RestController
@CrossOrigin(originPatterns = "*", allowCredentials = "true")
public class AccountController {
}

@Configuration
class CorsConfig {
    @Bean
    CorsConfigurationSource corsConfigurationSource() {
        CorsConfiguration config = new CorsConfiguration();
        config.setAllowCredentials(true);
        config.addAllowedOriginPattern("https://*example.com");
        return source;
    }
}
`;
    expect(lines(check(RULE, 'java', src))).toEqual([2, 12]);
  });

  it('flags a servlet filter echoing the Origin header with credentials', () => {
    const src = `public class CorsFilter implements Filter {
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        response.setHeader("Access-Control-Allow-Origin", request.getHeader("Origin"));
        response.setHeader("Access-Control-Allow-Credentials", "true");
        chain.doFilter(req, res);
    }
}
`;
    expect(lines(check(RULE, 'java', src))).toEqual([5]);
  });

  it('does not flag subdomain patterns with a dot, exact origins, or no credentials', () => {
    const src = `@CrossOrigin(originPatterns = "https://*.example.com", allowCredentials = "true")
public class AccountController {
    void cors(CorsRegistry registry) {
        registry.addMapping("/**").allowedOrigins("https://app.example.com").allowCredentials(true);
        registry.addMapping("/public/**").allowedOriginPatterns("*");
    }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});
