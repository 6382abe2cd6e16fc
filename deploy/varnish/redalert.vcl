# /etc/varnish/redalert.vcl: the shared cache between Caddy and gunicorn (docs/deploy.md, docs/public-site.md).
#
# It keeps only what the origin says a shared cache may keep: answers with `s-maxage` and a `Surrogate-Key` header
# (the anonymous public lists, case pages, photos, share images, bulletins, feed and CAP: redalert.public.edge).
# Everything else — staff pages, forms, anything with a session cookie or a Set-Cookie — goes to gunicorn each time.
# The application purges by key: `PURGE /` with `X-Purge-Keys: key1 key2`, on the purge listener only
# (redalert.public.purgers.varnish), bans every cached object whose Surrogate-Key holds one of the keys.
#
# Listeners (deploy/varnish/varnish-override.conf):
#   -a http=127.0.0.1:6081,PROXY   Caddy, which sends the client's address with the PROXY protocol
#   -a purge=127.0.0.1:6091        the application's purges (EDGE_VARNISH_URLS=http://127.0.0.1:6091/)
# redalert/public/tests/test_varnish.py and bench/edge_cache.py load this same file, with only the backend's port
# changed.
vcl 4.1;

import std;

# gunicorn of deploy/systemd/redalert-web.service: it reads the client's address from a PROXY line (rate limits
# and sign-in lockouts count per address). Varnish sends one per backend connection and does not reuse such a
# connection for another client.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .proxy_header = 1;
    .connect_timeout = 5s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 60s;
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (local.socket != "purge" || client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        # Keys are made of letters, digits and dashes (redalert.public.edge); anything else is refused.
        if (req.http.X-Purge-Keys !~ "^[A-Za-z0-9_-]+( [A-Za-z0-9_-]+)*$") {
            return (synth(400, "Bad X-Purge-Keys"));
        }
        # A ban on obj.* only: the ban lurker also walks the cache and drops what it matches.
        if (!std.ban("obj.http.Surrogate-Key ~ (^|[[:blank:]])(" + regsuball(req.http.X-Purge-Keys, " ", "|") + ")([[:blank:]]|$)")) {
            return (synth(500, "Ban refused: " + std.ban_error()));
        }
        return (synth(200, "Purged"));
    }
    if (local.socket == "purge") {
        return (synth(405, "Only PURGE here"));
    }
    unset req.http.X-Purge-Keys;
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    # A signed-in member: her answers are private (NoStoreMiddleware), never kept or served from the cache.
    if (req.http.Cookie ~ "(^|;\s*)(__Host-)?sessionid=") {
        return (pass);
    }
    # The language is the only thing a visitor's request changes in a public answer: fold the language cookie
    # (the public pages' language form) and Accept-Language into one of the site's languages, which Django reads
    # and answers `Vary: Accept-Language` on. Three copies of a page at most, whatever browsers send.
    if (req.http.Cookie ~ "(^|;\s*)django_language=(es|pt|en)(;|$)") {
        set req.http.Accept-Language = regsub(req.http.Cookie, "^(.*;\s*)?django_language=(es|pt|en)(;.*)?$", "\2");
    } elsif (std.tolower(req.http.Accept-Language) ~ "(^|,)\s*(es|pt|en)([-;,]|$)") {
        set req.http.Accept-Language = regsub(std.tolower(req.http.Accept-Language), "^(.*?,)?\s*(es|pt|en)([-;,].*)?$", "\2");
    } else {
        set req.http.Accept-Language = "es";
    }
    # No cookie reaches a cached answer (a form's CSRF cookie is sent again with its POST, which passes).
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    # Host and URL are hashed by the built-in vcl_hash that follows; the scheme too (absolute links in the pages).
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_response {
    # Only what the application marked for a shared cache, with keys to purge it by, and no cookie.
    if (beresp.http.Cache-Control !~ "s-maxage=" || !beresp.http.Surrogate-Key || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 10s;
        return (deliver);
    }
    # ttl from s-maxage and grace from stale-while-revalidate are read by Varnish itself; a purge (ban) ends both.
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.Surrogate-Key;
    # After us (browsers, other proxies) only max-age holds: nobody purges them.
    if (resp.http.Cache-Control ~ "s-maxage=") {
        set resp.http.Cache-Control = regsuball(resp.http.Cache-Control, ",\s*(s-maxage|stale-while-revalidate)=[0-9]+", "");
    }
}
