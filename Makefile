# Rapport: build and install as a systemd service.
#
#   make                      release build of rapportd, rapportctl, rapport-mail and rapport-sms
#   sudo make install         binaries, config (never overwritten), templates, unit, sysusers,
#                             tmpfiles, man pages, shell completions, docs
#   make install DESTDIR=/tmp/stage PREFIX=/usr   staged install, e.g. for a package
#
# The unit's ExecStart follows PREFIX. systemd reads sysusers.d and tmpfiles.d only from /usr/lib
# and /etc, so those default to /usr/lib whatever the PREFIX.

PREFIX      ?= /usr/local
DESTDIR     ?=
SYSCONFDIR  ?= /etc
BINDIR      ?= $(PREFIX)/bin
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= /usr/lib/sysusers.d
TMPFILESDIR ?= /usr/lib/tmpfiles.d
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/rapport
SHAREDIR    ?= $(PREFIX)/share
SWIFT       ?= swift
BUILD       := .build/release
MANUALS     := .build/plugins/GenerateManual/outputs
TOOLS       := rapportd rapportctl rapport-mail rapport-sms

.PHONY: all build manuals completions install uninstall check-unit clean

all: build

build:
	$(SWIFT) build -c release --product rapportd
	$(SWIFT) build -c release --product rapportctl
	$(SWIFT) build -c release --product rapport-mail
	$(SWIFT) build -c release --product rapport-sms

manuals: build
	$(SWIFT) package plugin generate-manual --configuration release
	mkdir -p .build/man
	for tool in $(TOOLS); do scripts/man-page $$tool $(MANUALS)/$$tool/$$tool.1 > .build/man/$$tool.1 || exit 1; done

completions: build
	mkdir -p .build/completions
	for shell in bash zsh fish; do \
	  for tool in $(TOOLS); do \
	    $(BUILD)/$$tool --generate-completion-script $$shell > .build/completions/$$tool.$$shell || exit 1; \
	  done; \
	done

install: build manuals completions
	install -D -m 0755 $(BUILD)/rapportd $(DESTDIR)$(BINDIR)/rapportd
	install -D -m 0755 $(BUILD)/rapportctl $(DESTDIR)$(BINDIR)/rapportctl
	install -D -m 0755 $(BUILD)/rapport-mail $(DESTDIR)$(BINDIR)/rapport-mail
	install -D -m 0755 $(BUILD)/rapport-sms $(DESTDIR)$(BINDIR)/rapport-sms
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/rapport
	# The config and templates are the operator's once installed: never overwritten.
	[ -e $(DESTDIR)$(SYSCONFDIR)/rapport/rapport.toml ] || install -m 0644 config/rapport.toml $(DESTDIR)$(SYSCONFDIR)/rapport/rapport.toml
	for language in config/templates/*; do \
	  install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/rapport/templates/$$(basename $$language); \
	  for template in $$language/*.mustache; do \
	    target=$(DESTDIR)$(SYSCONFDIR)/rapport/templates/$$(basename $$language)/$$(basename $$template); \
	    [ -e $$target ] || install -m 0644 $$template $$target; \
	  done; \
	done
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed -e 's|/usr/local/bin/rapportd|$(BINDIR)/rapportd|' -e 's|/etc/rapport/|$(SYSCONFDIR)/rapport/|' \
	  systemd/rapportd.service > $(DESTDIR)$(UNITDIR)/rapportd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/rapportd.service
	sed -e 's|/usr/local/bin/rapport-mail|$(BINDIR)/rapport-mail|' -e 's|/etc/rapport/|$(SYSCONFDIR)/rapport/|' \
	  systemd/rapport-mail.service > $(DESTDIR)$(UNITDIR)/rapport-mail.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/rapport-mail.service
	sed -e 's|/usr/local/bin/rapport-sms|$(BINDIR)/rapport-sms|' -e 's|/etc/rapport/|$(SYSCONFDIR)/rapport/|' \
	  systemd/rapport-sms.service > $(DESTDIR)$(UNITDIR)/rapport-sms.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/rapport-sms.service
	install -D -m 0644 systemd/rapport.sysusers $(DESTDIR)$(SYSUSERSDIR)/rapport.conf
	install -D -m 0644 systemd/rapport.tmpfiles $(DESTDIR)$(TMPFILESDIR)/rapport.conf
	for tool in $(TOOLS); do \
	  install -D -m 0644 .build/man/$$tool.1 $(DESTDIR)$(MANDIR)/man1/$$tool.1; \
	done
	for tool in $(TOOLS); do \
	  install -D -m 0644 .build/completions/$$tool.bash $(DESTDIR)$(SHAREDIR)/bash-completion/completions/$$tool; \
	  install -D -m 0644 .build/completions/$$tool.zsh $(DESTDIR)$(SHAREDIR)/zsh/site-functions/_$$tool; \
	  install -D -m 0644 .build/completions/$$tool.fish $(DESTDIR)$(SHAREDIR)/fish/vendor_completions.d/$$tool.fish; \
	done
	install -D -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	install -D -m 0644 SPOOL.md $(DESTDIR)$(DOCDIR)/SPOOL.md
	install -D -m 0644 systemd/rapportd-postgresql.conf $(DESTDIR)$(DOCDIR)/rapportd-postgresql.conf
	install -D -m 0644 config/postgresql-grants.sql $(DESTDIR)$(DOCDIR)/postgresql-grants.sql
	install -D -m 0755 examples/deliver-sms.sh $(DESTDIR)$(DOCDIR)/examples/deliver-sms.sh
	install -D -m 0755 examples/sms-webhook-to-inbound.py $(DESTDIR)$(DOCDIR)/examples/sms-webhook-to-inbound.py
	install -D -m 0644 docs/MESSAGES.md $(DESTDIR)$(DOCDIR)/MESSAGES.md

uninstall:
	for tool in $(TOOLS); do \
	  rm -f $(DESTDIR)$(BINDIR)/$$tool $(DESTDIR)$(MANDIR)/man1/$$tool.1 \
	    $(DESTDIR)$(SHAREDIR)/bash-completion/completions/$$tool $(DESTDIR)$(SHAREDIR)/zsh/site-functions/_$$tool \
	    $(DESTDIR)$(SHAREDIR)/fish/vendor_completions.d/$$tool.fish; \
	done
	rm -f $(DESTDIR)$(UNITDIR)/rapportd.service $(DESTDIR)$(UNITDIR)/rapport-mail.service \
	  $(DESTDIR)$(UNITDIR)/rapport-sms.service \
	  $(DESTDIR)$(SYSUSERSDIR)/rapport.conf $(DESTDIR)$(TMPFILESDIR)/rapport.conf
	rm -rf $(DESTDIR)$(DOCDIR)
	@echo "left in place: $(SYSCONFDIR)/rapport (config), /var/lib/rapport (records), /var/spool/rapport (spool)"

# What CI checks about the unit: systemd-analyze verify, and an exposure score of at most 2.0.
check-unit:
	scripts/check-unit
