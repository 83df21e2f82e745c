# The course's front door. `make` alone lists the targets.
GO       ?= go
CHAPTERS := $(sort $(wildcard [0-9][0-9]-*))
PKG      ?= ./...
BENCH    ?= .
# Every package but the learner's workspace/: whatever is left there (a file
# that lost its //go:build coach line, half an edit) must not break a check.
PKGS      = $$($(GO) list -e ./... | grep -v '/workspace/')

.DEFAULT_GOAL := help
.PHONY: help lessons coach test lint fmt-check vet staticcheck race selfcheck breakit bench cover docs

help: ## list the targets
	@echo "Usage: make TARGET"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

lessons: ## run every chapter's lesson in order; each ends by itself
	@for c in $(CHAPTERS); do \
		printf '\n======== go run ./%s ========\n\n' $$c; \
		$(GO) run ./$$c || exit 1; \
	done

coach: ## list the exercises and point at the next one (go run ./coach help for more)
	$(GO) run ./coach

test: lint race selfcheck breakit ## every check: gofmt, go vet, staticcheck, go test -race (docs included), the exercises' self-check, the Break it experiments

lint: fmt-check vet staticcheck ## gofmt, go vet and staticcheck

fmt-check:
	@out=$$(find . -name '*.go' -not -path './workspace/*' | xargs gofmt -l); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@echo "gofmt: clean"

vet:
	$(GO) vet $(PKGS)
	@# wrong/ answers are left out: some are wrong in a way vet reports (a lost
	@# cancel), and the self-check proves the coach rejects them for it.
	$(GO) vet -tags coach $$($(GO) list -tags coach ./exercises/... | grep -v /wrong/)

staticcheck:
	$(GO) tool staticcheck $(PKGS)

race: ## go test -race over the whole module, docs check included
	$(GO) test -race -timeout 20m $(PKGS)

selfcheck: ## every exercise: fails as shipped, passes solved, rejects each wrong/ answer (minutes)
	COACH_SELFCHECK=1 $(GO) test -count=1 -timeout 40m -parallel 2 -run 'TestSelfCheck' ./coach

breakit: ## run every "Break it" experiment on the pages in a temporary copy (RUN=REGEX to pick some)
	$(GO) run ./internal/breakit/run $(if $(RUN),-run '$(RUN)')

bench: ## benchmarks with -benchmem (PKG=./05-threadpool BENCH=Executor to narrow)
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem $(PKG)

cover: ## test coverage per package, and cover.html
	$(GO) test -race -coverprofile=cover.out $(PKG)
	$(GO) tool cover -func=cover.out | tail -n 1
	$(GO) tool cover -html=cover.out -o cover.html

docs: ## rerun the commands behind every output block in docs/ and rewrite the blocks
	$(GO) run ./internal/docblocks/update
