"""The graph model, described once, as data.

This is the public contract of citegraph: loaders write it, canned queries read
it, the schema (constraints and indexes), the RDF mapping, the SHACL shapes and
the model documentation are all derived from it. Add to it; never rename.

Every node and relationship also carries ``sources``: the list of inputs that
asserted it (a file name, or ``--source NAME``), so that several sources can
describe one paper and a re-load of one source changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prop:
    name: str
    type: str  # "string", "integer", "float", "boolean", "list<string>"
    description: str


@dataclass(frozen=True)
class NodeType:
    label: str
    key: str  # the property that identifies a node (uniqueness constraint)
    description: str
    props: tuple[Prop, ...]
    extra_labels: tuple[str, ...] = ()  # labels some nodes of this type also carry
    indexes: tuple[str, ...] = ()  # range indexes for the canned queries' entry points

    def prop(self, name: str) -> Prop:
        for p in self.props:
            if p.name == name:
                return p
        raise KeyError(f"{self.label} has no property {name!r}")


@dataclass(frozen=True)
class RelType:
    type: str
    start: tuple[str, ...]
    end: tuple[str, ...]
    description: str
    props: tuple[Prop, ...] = ()
    example: str = ""  # one Cypher query that uses it (for the docs)


S, I, F, B, L = "string", "integer", "float", "boolean", "list<string>"
SOURCES = Prop("sources", L, "inputs that asserted this node")

PAPER = NodeType(
    "Paper", "id",
    "A paper. `id` is the OpenReview forum id when there is one, else a prefixed identifier "
    "(`arxiv:2312.06932`, `doi:10.1/x`, `openalex:W1`, `s2:123`, `corpus:456`). A paper without a title "
    "(known only by an identifier) also carries the label `Untitled`.",
    (
        Prop("id", S, "OpenReview forum id, or a prefixed identifier"),
        Prop("title", S, "title as given by the structured `title` column"),
        Prop("abstract", S, "abstract"),
        Prop("type", S, "presentation type in its venue (poster, oral, spotlight, ...)"),
        Prop("year", I, "publication year"),
        Prop("arxiv_id", S, "arXiv id without version or `arXiv:` prefix"),
        Prop("doi", S, "DOI, lower-case, without resolver prefix"),
        Prop("openreview_url", S, "OpenReview forum URL"),
        Prop("hf_paper_url", S, "Hugging Face paper page"),
        Prop("bibtex_key", S, "the BibTeX entry key, exactly as in the BibTeX"),
        Prop("bibtex", S, "the BibTeX entry as given by the source"),
        Prop("upvotes", I, "Hugging Face paper-page upvotes"),
        Prop("num_comments", I, "Hugging Face paper-page comments"),
        Prop("openalex_id", S, "OpenAlex work id (W...)"),
        Prop("s2_id", S, "Semantic Scholar paper id"),
        Prop("corpus_id", S, "Semantic Scholar corpus id"),
        Prop("dblp_key", S, "dblp record key (e.g. `conf/jcdl/MichelsFLSS17`)"),
        Prop("mag_id", S, "Microsoft Academic Graph id"),
        Prop("pubmed_id", S, "PubMed id"),
        Prop("pmc_id", S, "PubMed Central id"),
        Prop("acl_id", S, "ACL Anthology id"),
        Prop("cite_key", S, "journal/volume/first page/year: identifies a reference that has no title "
                            "(physics style, e.g. `z-phys-sov/2/46/1932`)"),
        Prop("title_key", S, "normalised title: matches entries that carry no identifier at all"),
        Prop("et_al", B, "true when the source's author list ended with `and others` / `et al.`: "
                         "more people wrote it than are linked"),
        Prop("stub", B, "true while the paper is known only by an identifier (e.g. a cited work)"),
        Prop("citation_count", I, "number of papers citing it (`CITES` in), kept up to date by every write"),
        Prop("merged_from", L, "papers found to be this one, each with what joined them "
                               "(`arxiv:2301.00001 (same doi 10.1234/x)`); `citegraph explain` shows them"),
        Prop("row_hashes", L, "per source, a fingerprint of the row that described the paper "
                              "(a re-load skips rows whose fingerprint is there)"),
        Prop("venue_counted", L, "what the statistics of each of its venues count of it, kept by every "
                                 "write: four 0/1 digits (arXiv id, paper page, code, Hub artifacts), "
                                 "then the venue id (`1001neurips-2023/Workshop/UniReps`)"),
        SOURCES,
    ),
    indexes=("arxiv_id", "doi", "openalex_id", "s2_id", "corpus_id", "cite_key", "title_key", "year",
             "citation_count"),
)

# Papers without a title also carry this label (kept by every write, like the counts): the
# Neo4j Browser styles by label, and captions these papers by their id instead of a blank.
UNTITLED = "Untitled"

# Authors of the 20 largest coauthorship communities carry one of these labels after
# `analyze coauthorship --write` (the Neo4j Browser colours nodes by label).
COMMUNITY_LABELS = tuple(f"Community{i}" for i in range(20))

AUTHOR = NodeType(
    "Author", "key",
    "A person. `key` is the normalised name (LaTeX decoded, Unicode NFKC, `Last, First` turned "
    "round, spacing and case folded); people who merely share a surname and initial stay apart.",
    (
        Prop("key", S, "normalised name, the identity of the person"),
        Prop("name", S, "name as first seen"),
        Prop("orcid", S, "ORCID iD when a source gives one"),
        Prop("openalex_id", S, "OpenAlex author id (A...)"),
        Prop("paper_count", I, "number of papers (`AUTHORED` out), kept up to date by every write"),
        Prop("component", I, "coauthorship component (written by `analyze coauthorship --write`)"),
        Prop("community", I, "Louvain community (written by analytics)"),
        Prop("pagerank", F, "PageRank in the coauthorship graph (written by analytics)"),
        Prop("degree", F, "degree centrality (written by analytics)"),
        Prop("betweenness", F, "betweenness centrality (written by analytics)"),
        SOURCES,
    ),
    extra_labels=COMMUNITY_LABELS,
    indexes=("name", "paper_count"),
)

VENUE = NodeType(
    "Venue", "id",
    "Where papers are presented: a workshop (also labelled `Workshop`), a track or a journal. "
    "`id` is the dataset's venue id (e.g. `Workshop/UniReps`), prefixed by the conference id "
    "when the conference is known (`neurips-2023/Workshop/UniReps`).",
    (
        Prop("id", S, "venue id"),
        Prop("name", S, "full name (from the BibTeX `booktitle`)"),
        Prop("short_name", S, "short name (e.g. `UniReps`)"),
        Prop("paper_count", I, "papers presented there (statistics refreshed by every load)"),
        Prop("with_arxiv", I, "of those, papers with an arXiv id (refreshed by every load)"),
        Prop("with_paper_page", I, "of those, papers with a Hugging Face paper page (refreshed by every load)"),
        Prop("with_code", I, "of those, papers with a code repository (refreshed by every load)"),
        Prop("with_artifacts", I, "of those, papers linked by Hub models, datasets or Spaces (refreshed by every load)"),
        SOURCES,
    ),
    extra_labels=("Workshop",),
    indexes=("short_name", "name"),
)

CONFERENCE = NodeType(
    "Conference", "id", "A conference edition, e.g. NeurIPS 2023 (`id` `neurips-2023`).",
    (
        Prop("id", S, "slug of name and year"),
        Prop("name", S, "e.g. `NeurIPS 2023`"),
        Prop("year", I, "year"),
        SOURCES,
    ),
)


INSTITUTION = NodeType(
    "Institution", "id",
    "A university, company or other organisation its authors were affiliated with. `id` is "
    "`ror:<ROR id>` when a source gives one, else `openalex:I…`, else `name:<slug of the name>`.",
    (
        Prop("id", S, "ROR id, OpenAlex institution id or name slug, prefixed"),
        Prop("name", S, "display name"),
        Prop("ror", S, "ROR id (without `https://ror.org/`)"),
        Prop("openalex_id", S, "OpenAlex institution id (I...)"),
        Prop("country_code", S, "ISO 3166-1 alpha-2 country code"),
        Prop("type", S, "kind of institution as OpenAlex says (education, company, facility, ...)"),
        SOURCES,
    ),
    indexes=("name", "ror", "openalex_id"),
)


def _artifact(label: str, what: str, *extra: Prop) -> NodeType:
    return NodeType(label, "id", f"A Hugging Face Hub {what} linked to papers; `id` is the Hub repo id. "
                                 f"`citegraph enrich hub` adds what the Hub says of it, as read on `hub_read_at`.",
                    (Prop("id", S, "Hub repo id, e.g. `owner/name` or a canonical `name`"),
                     Prop("paper_count", I, "papers linking it (`HAS_ARTIFACT` in), kept up to date by every write"),
                     *extra,
                     Prop("likes", I, "likes on the Hub, on `hub_read_at`"),
                     Prop("license", S, "licence the Hub gives (e.g. `apache-2.0`)"),
                     Prop("hub_read_at", S, "date (YYYY-MM-DD) the Hub's numbers were read"),
                     SOURCES),
                    indexes=("paper_count",))


MODEL_ART = _artifact("Model", "model",
                      Prop("downloads", I, "downloads in the last 30 days, on `hub_read_at`"),
                      Prop("pipeline_tag", S, "the task, e.g. `text-generation`"),
                      Prop("library_name", S, "library, e.g. `transformers`, `peft`"))
DATASET_ART = _artifact("Dataset", "dataset", Prop("downloads", I, "downloads in the last 30 days, on `hub_read_at`"))
SPACE_ART = _artifact("Space", "Space (demo app)", Prop("sdk", S, "the Space's SDK, e.g. `gradio`"))
ARTIFACT_LABELS = ("Model", "Dataset", "Space")

HUB_ACCOUNT = NodeType("HubAccount", "name", "A Hugging Face Hub user or organisation.",
                       (Prop("name", S, "account name (the part of a repo id before `/`)"),
                        Prop("linked_artifacts", I, "of its models, datasets and Spaces, how many papers link "
                                                    "(statistics refreshed by every load)"),
                        Prop("paper_count", I, "papers linking any of them (refreshed by every load)"),
                        SOURCES),
                       indexes=("linked_artifacts",))
REPOSITORY = NodeType("Repository", "url", "A source-code repository (e.g. on GitHub).",
                      (Prop("url", S, "repository URL"), SOURCES))

NODE_TYPES: tuple[NodeType, ...] = (PAPER, AUTHOR, VENUE, CONFERENCE, MODEL_ART, DATASET_ART,
                                    SPACE_ART, HUB_ACCOUNT, REPOSITORY, INSTITUTION)
NODES = {n.label: n for n in NODE_TYPES}

EDGE_SOURCES = Prop("sources", L, "inputs that asserted this relationship")
REL_TYPES: tuple[RelType, ...] = (
    RelType("AUTHORED", ("Author",), ("Paper",), "an author wrote a paper",
            (Prop("position", I, "1-based place in the paper's author list"),
             Prop("institutions", L, "ids of the `Institution`s the author gave on this paper"), EDGE_SOURCES),
            "MATCH (a:Author)-[r:AUTHORED]->(p:Paper {id: 'rD62RkufYo'}) "
            "RETURN r.position, a.name ORDER BY r.position"),
    RelType("PRESENTED_AT", ("Paper",), ("Venue",), "a paper was presented at a venue",
            (Prop("type", S, "presentation type (poster, oral, ...)"), EDGE_SOURCES),
            "MATCH (p:Paper)-[r:PRESENTED_AT]->(w:Workshop) "
            "RETURN w.short_name, r.type, count(p) ORDER BY w.short_name, r.type"),
    RelType("PART_OF", ("Venue",), ("Conference",), "a venue belongs to a conference edition",
            (EDGE_SOURCES,),
            "MATCH (w:Venue)-[:PART_OF]->(c:Conference) RETURN c.name, collect(w.short_name)"),
    RelType("HAS_ARTIFACT", ("Paper",), ARTIFACT_LABELS, "a Hub model, dataset or Space links a paper",
            (EDGE_SOURCES,),
            "MATCH (p:Paper)-[:HAS_ARTIFACT]->(m:Model) RETURN p.title, collect(m.id)"),
    RelType("DERIVED_FROM", ("Model",), ("Model",),
            "a model was made from another (its base model on the Hub)",
            (Prop("relation", S, "how: `finetune`, `adapter`, `quantized`, `merge` (or `unknown`)"), EDGE_SOURCES),
            "MATCH (d:Model)-[r:DERIVED_FROM]->(m:Model) RETURN m.id, r.relation, collect(d.id)"),
    RelType("TRAINED_ON", ("Model",), ("Dataset",), "a model was trained on a dataset (its Hub card says so)",
            (EDGE_SOURCES,),
            "MATCH (m:Model)-[:TRAINED_ON]->(d:Dataset) RETURN d.id, collect(m.id)"),
    RelType("OWNS", ("HubAccount",), ARTIFACT_LABELS, "a Hub account owns a model, dataset or Space",
            (EDGE_SOURCES,),
            "MATCH (h:HubAccount)-[:OWNS]->(x) RETURN h.name, labels(x)[0] AS kind, count(x)"),
    RelType("HAS_CODE", ("Paper",), ("Repository",), "a paper's code lives in a repository",
            (EDGE_SOURCES,),
            "MATCH (p:Paper)-[:HAS_CODE]->(r:Repository) RETURN p.title, r.url"),
    RelType("AFFILIATED_WITH", ("Paper",), ("Institution",),
            "an author of the paper gave the institution as affiliation on it (which author: "
            "`AUTHORED.institutions`)", (EDGE_SOURCES,),
            "MATCH (a:Author)-[r:AUTHORED]->(p:Paper)-[:AFFILIATED_WITH]->(i:Institution) "
            "WHERE i.id IN r.institutions RETURN a.name, i.name, p.year"),
    RelType("CITES", ("Paper",), ("Paper",), "a paper cites another",
            (Prop("contexts", L, "sentences of the citing paper around the citation (Semantic Scholar)"),
             Prop("intents", L, "why it cites: background, methodology, result (Semantic Scholar)"),
             Prop("is_influential", B, "Semantic Scholar's highly influential citation flag"),
             EDGE_SOURCES),
            "MATCH (p:Paper)<-[:CITES]-(q:Paper) RETURN p.title, count(q) AS citations "
            "ORDER BY citations DESC LIMIT 10"),
)
RELS = {r.type: r for r in REL_TYPES}


@dataclass(frozen=True)
class Count:
    """A property that holds how many relationships of one type a node has.

    Global rankings read it through a range index instead of counting over every node;
    every write path keeps it exact (``graph.counts``).
    """

    label: str
    prop: str
    rel: str
    outgoing: bool  # counts (n)-[:rel]->() when true, (n)<-[:rel]-() when false

    def pattern(self, var: str) -> str:
        return f"({var})-[:`{self.rel}`]->()" if self.outgoing else f"({var})<-[:`{self.rel}`]-()"


COUNTS: tuple[Count, ...] = (
    Count("Author", "paper_count", "AUTHORED", outgoing=True),
    Count("Paper", "citation_count", "CITES", outgoing=False),
    *(Count(label, "paper_count", "HAS_ARTIFACT", outgoing=False) for label in ARTIFACT_LABELS),
)
# Per-venue statistics (``workshop-linkage`` reads them instead of visiting every paper):
# aggregates over a venue's papers, refreshed at the end of every load that wrote something.
VENUE_STATS = ("paper_count", "with_arxiv", "with_paper_page", "with_code", "with_artifacts")
# Per-account statistics (``top-hub-accounts`` reads them instead of visiting every linked artifact)
ACCOUNT_STATS = ("linked_artifacts", "paper_count")
DERIVED_PROPS = ({(c.label, c.prop) for c in COUNTS} | {("Venue", p) for p in VENUE_STATS}
                 | {("Paper", "venue_counted")}
                 | {("HubAccount", p) for p in ACCOUNT_STATS})  # recomputed


def all_labels() -> set[str]:
    labels = set(NODES)
    for n in NODE_TYPES:
        labels.update(n.extra_labels)
    return labels


def check_label(label: str) -> str:
    """Labels reach Cypher only from this model (never from data)."""
    if label not in all_labels():
        raise ValueError(f"unknown label {label!r}")
    return label


def check_rel_type(rel: str) -> str:
    if rel not in RELS:
        raise ValueError(f"unknown relationship type {rel!r}")
    return rel
