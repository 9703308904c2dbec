CREATE TABLE "records" (
  "id" TEXT NOT NULL,
  "collection" TEXT,
  PRIMARY KEY ("id")
);
CREATE TABLE "sources" (
  "id" TEXT NOT NULL,
  "label" TEXT,
  "title" TEXT,
  "alt_titles" TEXT,
  "publisher" TEXT,
  "authors" TEXT,
  "site" TEXT,
  "date" TEXT,
  "date_note" TEXT,
  "title_reconstructed" TEXT,
  "description" TEXT,
  "url" TEXT,
  "kind" TEXT,
  "notes" TEXT,
  PRIMARY KEY ("id")
);
CREATE TABLE "countries" (
  "id" TEXT NOT NULL,
  "name" TEXT,
  "kind" TEXT,
  "iso2" TEXT,
  "iso3" TEXT,
  "aliases" TEXT,
  "notes" TEXT,
  "basis" TEXT,
  "sources" TEXT,
  PRIMARY KEY ("id")
);
CREATE TABLE "stakeholders" (
  "id" TEXT NOT NULL,
  "name" TEXT,
  "aliases" TEXT,
  "kind" TEXT,
  "sector" TEXT,
  "country" TEXT,
  "organisation" TEXT REFERENCES "stakeholders"(id),
  "position" TEXT,
  "roles" TEXT,
  "notes" TEXT,
  "basis" TEXT,
  "sources" TEXT,
  PRIMARY KEY ("id")
);
CREATE INDEX "idx_stakeholders_organisation" ON "stakeholders"("organisation");
CREATE TABLE "events" (
  "id" TEXT NOT NULL,
  "title" TEXT,
  "kind" TEXT,
  "country" TEXT,
  "city" TEXT,
  "start_date" TEXT,
  "end_date" TEXT,
  "month_day" TEXT,
  "date_note" TEXT,
  "participants" TEXT,
  "hosts" TEXT,
  "funders" TEXT,
  "series_position" TEXT,
  "builds_on" TEXT,
  "notes" TEXT,
  "caveats" TEXT,
  "basis" TEXT,
  "sources" TEXT,
  PRIMARY KEY ("id")
);
CREATE TABLE "stages" (
  "id" TEXT NOT NULL,
  "title" TEXT,
  "order" INTEGER,
  "description" TEXT,
  "basis" TEXT,
  "sources" TEXT,
  PRIMARY KEY ("id")
);
CREATE TABLE "practices" (
  "id" TEXT NOT NULL,
  "title" TEXT,
  "summary" TEXT,
  "sectors" TEXT,
  "themes" TEXT,
  "stages" TEXT,
  "origin_event" TEXT REFERENCES "events"(id),
  "basis" TEXT,
  "sources" TEXT,
  PRIMARY KEY ("id")
);
CREATE INDEX "idx_practices_origin_event" ON "practices"("origin_event");
CREATE TABLE "recommendations" (
  "id" TEXT NOT NULL,
  "title" TEXT,
  "text" TEXT,
  "kind" TEXT,
  "made_by" TEXT REFERENCES "stakeholders"(id),
  "event" TEXT REFERENCES "events"(id),
  "themes" TEXT,
  "basis" TEXT,
  "sources" TEXT,
  PRIMARY KEY ("id")
);
CREATE INDEX "idx_recommendations_made_by" ON "recommendations"("made_by");
CREATE INDEX "idx_recommendations_event" ON "recommendations"("event");
CREATE TABLE "quotes" (
  "id" TEXT NOT NULL,
  "speaker" TEXT REFERENCES "stakeholders"(id),
  "event" TEXT REFERENCES "events"(id),
  "kind" TEXT,
  "text" TEXT,
  "basis" TEXT,
  "sources" TEXT,
  PRIMARY KEY ("id")
);
CREATE INDEX "idx_quotes_speaker" ON "quotes"("speaker");
CREATE INDEX "idx_quotes_event" ON "quotes"("event");
CREATE TABLE "findings" (
  "id" TEXT NOT NULL,
  "title" TEXT,
  "text" TEXT,
  "stages" TEXT,
  "about" TEXT REFERENCES "events"(id),
  "caveats" TEXT,
  "basis" TEXT,
  "sources" TEXT,
  PRIMARY KEY ("id")
);
CREATE INDEX "idx_findings_about" ON "findings"("about");
CREATE TABLE "citations" (
  "record_id" TEXT NOT NULL REFERENCES "records"(id),
  "collection" TEXT,
  "seq" INTEGER NOT NULL,
  "source_id" TEXT REFERENCES "sources"(id),
  "at" TEXT,
  "excerpt" TEXT,
  PRIMARY KEY ("record_id", "seq")
);
CREATE INDEX "idx_citations_collection" ON "citations"("collection");
CREATE INDEX "idx_citations_source_id" ON "citations"("source_id");
CREATE TABLE "basis" (
  "record_id" TEXT NOT NULL REFERENCES "records"(id),
  "collection" TEXT,
  "field" TEXT NOT NULL,
  "basis" TEXT,
  "source_id" TEXT REFERENCES "sources"(id),
  "at" TEXT,
  "excerpt" TEXT,
  "reason" TEXT,
  PRIMARY KEY ("record_id", "field")
);
CREATE INDEX "idx_basis_collection" ON "basis"("collection");
CREATE INDEX "idx_basis_source_id" ON "basis"("source_id");
CREATE TABLE "source_alt_titles" (
  "source_id" TEXT NOT NULL REFERENCES "sources"(id),
  "seq" INTEGER NOT NULL,
  "alt_title" TEXT,
  PRIMARY KEY ("source_id", "seq")
);
CREATE TABLE "source_authors" (
  "source_id" TEXT NOT NULL REFERENCES "sources"(id),
  "seq" INTEGER NOT NULL,
  "author" TEXT,
  PRIMARY KEY ("source_id", "seq")
);
CREATE TABLE "source_notes" (
  "source_id" TEXT NOT NULL REFERENCES "sources"(id),
  "seq" INTEGER NOT NULL,
  "note" TEXT,
  PRIMARY KEY ("source_id", "seq")
);
CREATE TABLE "country_aliases" (
  "country_id" TEXT NOT NULL REFERENCES "countries"(id),
  "seq" INTEGER NOT NULL,
  "alias" TEXT,
  "basis" TEXT,
  PRIMARY KEY ("country_id", "seq")
);
CREATE TABLE "country_notes" (
  "country_id" TEXT NOT NULL REFERENCES "countries"(id),
  "seq" INTEGER NOT NULL,
  "note" TEXT,
  PRIMARY KEY ("country_id", "seq")
);
CREATE TABLE "stakeholder_aliases" (
  "stakeholder_id" TEXT NOT NULL REFERENCES "stakeholders"(id),
  "seq" INTEGER NOT NULL,
  "alias" TEXT,
  "basis" TEXT,
  PRIMARY KEY ("stakeholder_id", "seq")
);
CREATE TABLE "stakeholder_roles" (
  "stakeholder_id" TEXT NOT NULL REFERENCES "stakeholders"(id),
  "seq" INTEGER NOT NULL,
  "role" TEXT,
  "event_id" TEXT REFERENCES "events"(id),
  "source_id" TEXT REFERENCES "sources"(id),
  "at" TEXT,
  "excerpt" TEXT,
  "basis" TEXT,
  "reason" TEXT,
  "note" TEXT,
  PRIMARY KEY ("stakeholder_id", "seq")
);
CREATE INDEX "idx_stakeholder_roles_event_id" ON "stakeholder_roles"("event_id");
CREATE INDEX "idx_stakeholder_roles_source_id" ON "stakeholder_roles"("source_id");
CREATE TABLE "stakeholder_notes" (
  "stakeholder_id" TEXT NOT NULL REFERENCES "stakeholders"(id),
  "seq" INTEGER NOT NULL,
  "note" TEXT,
  PRIMARY KEY ("stakeholder_id", "seq")
);
CREATE TABLE "event_participants" (
  "event_id" TEXT NOT NULL REFERENCES "events"(id),
  "seq" INTEGER NOT NULL,
  "count" INTEGER,
  "qualifier" TEXT,
  "wording" TEXT,
  "quoted" TEXT,
  "source_id" TEXT REFERENCES "sources"(id),
  "at" TEXT,
  "excerpt" TEXT,
  PRIMARY KEY ("event_id", "seq")
);
CREATE INDEX "idx_event_participants_source_id" ON "event_participants"("source_id");
CREATE TABLE "event_hosts" (
  "event_id" TEXT NOT NULL REFERENCES "events"(id),
  "seq" INTEGER NOT NULL,
  "stakeholder_id" TEXT REFERENCES "stakeholders"(id),
  PRIMARY KEY ("event_id", "seq")
);
CREATE INDEX "idx_event_hosts_stakeholder_id" ON "event_hosts"("stakeholder_id");
CREATE TABLE "event_funders" (
  "event_id" TEXT NOT NULL REFERENCES "events"(id),
  "seq" INTEGER NOT NULL,
  "stakeholder_id" TEXT REFERENCES "stakeholders"(id),
  PRIMARY KEY ("event_id", "seq")
);
CREATE INDEX "idx_event_funders_stakeholder_id" ON "event_funders"("stakeholder_id");
CREATE TABLE "event_series_position" (
  "event_id" TEXT NOT NULL REFERENCES "events"(id),
  "seq" INTEGER NOT NULL,
  "position" INTEGER,
  "wording" TEXT,
  "quoted" TEXT,
  "source_id" TEXT REFERENCES "sources"(id),
  PRIMARY KEY ("event_id", "seq")
);
CREATE INDEX "idx_event_series_position_source_id" ON "event_series_position"("source_id");
CREATE TABLE "event_builds_on" (
  "event_id" TEXT NOT NULL REFERENCES "events"(id),
  "seq" INTEGER NOT NULL,
  "builds_on_event_id" TEXT REFERENCES "events"(id),
  "basis" TEXT,
  PRIMARY KEY ("event_id", "seq")
);
CREATE INDEX "idx_event_builds_on_builds_on_event_id" ON "event_builds_on"("builds_on_event_id");
CREATE TABLE "event_notes" (
  "event_id" TEXT NOT NULL REFERENCES "events"(id),
  "seq" INTEGER NOT NULL,
  "note" TEXT,
  PRIMARY KEY ("event_id", "seq")
);
CREATE TABLE "event_caveats" (
  "event_id" TEXT NOT NULL REFERENCES "events"(id),
  "seq" INTEGER NOT NULL,
  "caveat" TEXT,
  PRIMARY KEY ("event_id", "seq")
);
CREATE TABLE "practice_sectors" (
  "practice_id" TEXT NOT NULL REFERENCES "practices"(id),
  "seq" INTEGER NOT NULL,
  "sector" TEXT,
  "basis" TEXT,
  PRIMARY KEY ("practice_id", "seq")
);
CREATE TABLE "practice_themes" (
  "practice_id" TEXT NOT NULL REFERENCES "practices"(id),
  "seq" INTEGER NOT NULL,
  "theme" TEXT,
  "basis" TEXT,
  PRIMARY KEY ("practice_id", "seq")
);
CREATE TABLE "practice_stages" (
  "practice_id" TEXT NOT NULL REFERENCES "practices"(id),
  "seq" INTEGER NOT NULL,
  "stage_id" TEXT REFERENCES "stages"(id),
  "basis" TEXT,
  PRIMARY KEY ("practice_id", "seq")
);
CREATE INDEX "idx_practice_stages_stage_id" ON "practice_stages"("stage_id");
CREATE TABLE "recommendation_themes" (
  "recommendation_id" TEXT NOT NULL REFERENCES "recommendations"(id),
  "seq" INTEGER NOT NULL,
  "theme" TEXT,
  "basis" TEXT,
  PRIMARY KEY ("recommendation_id", "seq")
);
CREATE TABLE "finding_stages" (
  "finding_id" TEXT NOT NULL REFERENCES "findings"(id),
  "seq" INTEGER NOT NULL,
  "stage_id" TEXT REFERENCES "stages"(id),
  "basis" TEXT,
  PRIMARY KEY ("finding_id", "seq")
);
CREATE INDEX "idx_finding_stages_stage_id" ON "finding_stages"("stage_id");
CREATE TABLE "finding_caveats" (
  "finding_id" TEXT NOT NULL REFERENCES "findings"(id),
  "seq" INTEGER NOT NULL,
  "caveat" TEXT,
  PRIMARY KEY ("finding_id", "seq")
);
