// Package prune decides which images, tag history entries, repository
// links and blobs can go, and deletes them, with the rules of
// `oc adm prune images` (PRUNE.md §1–§2) and the improvements of
// PRUNE.md §6.
//
// # Plan, then execute
//
// [Plan] is a pure function of a [Snapshot] (images, streams and the
// references workloads hold) and [Options]: no clock (ages count from
// Options.Now), no I/O, no randomness. Its result, [Decisions], accounts
// for every tag event and every image exactly once, kept or deleted, with
// a [Reason] code and the references that kept it, and lists the
// repository links and blobs to delete. The same input gives the same
// JSON, byte for byte, whatever GOMAXPROCS is. A dry run is a plan.
// [PlanContext], [NewIndexContext], [Index.PlanContext],
// [IndexBuilder.IndexContext] and [PlanSweepContext] are the same
// functions stopped early when their context ends (§6.14): they check it
// between chunks of work, about a millisecond apart at 100,000 images,
// and then return nil and ctx.Err(); a plan that completes is Plan's,
// byte for byte. Cancelled at random moments of a plan of 100,000
// images, PlanContext returns in half a millisecond at the median and
// 30 to 45 ms at worst, when a large allocation was under way
// (BenchmarkPlanCancel).
//
// Plan first reduces the snapshot to an [Index]: digests interned,
// edges as integers, only the fields the rules read (§6.6). A program
// with a large registry builds the Index itself with an [IndexBuilder],
// page by page as it lists, or with [ReadIndex], so that it never holds
// every Image object at once, and plans from it with [Index.Plan], as
// often and under as many policies as it likes.
//
// [Execute] carries a plan out through three small interfaces,
// [StreamUpdater], [ImageDeleter] and [RegistryDeleter], in an order that
// never loses data in use: stream status updates (compare-and-swap on a
// fresh read), then links, then blobs, then Image objects. [Registry]
// implements RegistryDeleter over HTTP. [Workload] and [DecodeWorkloads]
// turn workloads into [Reference] values.
//
// # The rules (PRUNE.md §1)
//
// References (§1.2): a pull spec names a stream only with a registry, a
// namespace and a one-component name; the registry host is ignored; a
// digest reference protects that digest in that repository, a tag
// reference (default "latest") that tag. An inactive owner (a finished
// pod) counts only while younger than keep-younger-than: created after
// now minus keep-younger-than, as oc's code reads
// (!CreationTimestamp.After); PRUNE.md's "<" would also count one
// created exactly then.
//
// Stage 1, per stream (§1.3): a stream younger than keep-younger-than is
// left alone; otherwise every event gets the first matching row: young
// (1), newest revision of a referenced tag (2), image missing — deleted
// (3), within the size limit in size mode (4a) or among the newest
// keep-tag-revisions (4b), referenced by digest (5), else deleted (6).
// The newest revision is not always kept. A deleted event releases its
// image's manifest link and the layer links of its layers and config in
// that repository when no other counted event of the stream uses them.
//
// Stage 2, unless a namespace is given (§1.4): an image is kept when a
// remaining event names it, when it is a child of a manifest list a
// remaining event names (§1.6) or of a list such a list has as a child
// (oc reaches those or not as its map iteration goes; the plan always
// does), when it lacks the managed annotation and OnlyManaged is set,
// or when it is young (not in size mode); otherwise it is deleted, and
// so are its blobs (§1.5: layers, the config of schema 2 and OCI images,
// and the manifest) once no kept image uses them. By default the
// children of every kept list are kept too (§6.9).
//
// Options follow oc's flags, defaults and validation (§2.1):
// keep-tag-revisions 3, keep-younger-than 60m, size mode exclusive with
// both, all images, registry pruning on. [Override] adds per-namespace,
// per-stream, per-label-selector, per-tag and tag-pattern rules (keep N,
// keep duration, never prune) with a documented precedence (§6.10).
//
// # Where this package differs from oc
//
// With Options.OCCompatible set and the opt-in fields left false, a plan
// deletes exactly what oc deletes. The differences that never delete more
// are always on:
//
//   - Determinism (§6.1): oc walks maps in random order; the plan is
//     sorted. The outcome does not depend on order in oc either.
//   - Invalid references do not abort (§6.12): they are listed in
//     Decisions.InvalidReferences with owner and field path, and one
//     that parses once trimmed of white space, or whose leading run of
//     pull-spec characters parses ("r.io/ns/s:t" in `"r.io/ns/s:t",` or
//     "r.io/ns/s:t x", the remains of quoting, a list or a command line),
//     still protects what that spec names, which is what the reference
//     plausibly names. Any other invalid spec protects nothing: a guess
//     from a malformed name could keep any of the stream's images.
//     StrictRefs restores oc's abort; IgnoreInvalidRefs is oc's flag.
//   - A malformed image (name or blob not a digest) is kept and listed
//     (§6.6); oc aborts the run. StrictImages restores the abort.
//   - References from every namespace are consulted in namespace mode
//     (§6.11); oc lists only that namespace's workloads. To reproduce oc,
//     pass only those references.
//   - Execute persists the stream update before deleting the links it
//     releases (§6.7); oc deletes layer links first. It withholds
//     everything a failed or changed stream still names, and keeps an
//     image while one of its blobs failed to delete (oc: while all did).
//   - A stream emptied of a tag's events loses the tag only when this
//     plan deleted events of that tag.
//
// Manifest lists are handled fully by default (§6.9); OCCompatible turns
// this off:
//
//   - the children of any kept list are kept, not only those of lists a
//     tag event names; oc deletes the children of a young or unmanaged
//     list and leaves the list broken;
//   - link counts include the children of lists, so a list leaving a
//     repository releases its children's links there, those of children
//     with no Image object too, and a kept list keeps them; oc ignores
//     children both ways. A child that a workload references by digest
//     in that repository keeps its links there (its Image object and
//     blobs follow the rules of stage 2, as any image's).
//
// One improvement changes oc's results beyond lists and is opt-in:
// KeepReferencedImages (§1.4, BZ 1880068) keeps, in stage 2, an image a
// workload references by digest in any repository; oc deletes an image no
// tag event names even if a pod runs it. A list kept so keeps its
// children, whatever OCCompatible says.
//
// An image without DockerImageMetadata is planned from its layers, with
// no config blob (§1.5, §6.14); oc cannot read it and aborts the run.
// An image.Image cannot tell missing metadata from empty.
//
// Precedence: explicit options (KeepReferencedImages, Overrides, the
// Strict options) apply whatever OCCompatible says; OCCompatible only
// switches the list defaults back to oc's.
//
// # Beyond oc
//
// AgeAndSize (§6.10) combines size limits with the age and revision
// rules: a revision over its namespace's limit loses only the protection
// of keep-tag-revisions.
//
// Execute re-checks what is in use before each destructive phase (§6.8),
// by the plan's own rules, so that in a world that has not changed since
// planning it deletes exactly what the plan says, oc's deletions under
// OCCompatible. Images a fresh tag event names are kept with their blobs,
// and so are their children: a plan records the children of a list it
// keeps when it deletes some of them, or of theirs (under OCCompatible,
// those of a list no tag names), so a list tagged after planning keeps
// them; a stream with events the plan does not know keeps its links; an
// unused event that moved up its history, as newer events went since
// planning, stays, since it may be within keep-tag-revisions now;
// ExecuteOptions.GracePeriod keeps recently created images. A blob whose
// link failed to go stays with its image, for the next run to retry. With
// Targets.Lister the re-checks see streams and images created after
// planning: a new image keeps its blobs and children, and an event the
// plan deletes as dangling stays once its image exists. Without one, a
// new event of a plan's stream that names an image the plan does not
// know keeps every blob of the plan, since only a listing tells which
// it uses.
// With Targets.References they see workload references made after
// planning, counted as the plan counted references: an old finished
// owner's not at all, a spec repaired by trimming only when the plan
// repairs them, and a digest in a repository that is no stream, or that
// names no event there, keeps the image only under KeepReferencedImages.
// [ServiceTargets] and [ReadSnapshot] connect Plan and Execute to an
// imagestream.Service.
//
// Every step of Execute is idempotent, so a run that failed, was
// cancelled or was killed is resumed by running the same plan again
// (§6.7). With ExecuteOptions.Journal, a [FileJournal] for instance, the
// resumed run also skips the deletions the journal recorded, which at
// 100,000 images are most of the requests. The journal is bound to the
// plan by a SHA-256 over its policy and what it deletes: save the plan
// as JSON, or re-plan the same snapshot with the same options, to
// resume. Streams are read again on resume, as only a fresh read tells
// what changed since planning.
//
// [PlanSweep] and [ExecuteSweep] are the registry-side sweep (§6.15): from
// a storage listing and a snapshot read after Execute they find orphaned
// repositories, manifest links (list aware), layer links and blobs,
// keeping anything younger than a minimum age. The sweep reads what
// remains, not what a plan keeps: Execute keeps more than its plan when
// a stream changed or a deletion failed.
//
// # Scale
//
// An Index keeps digests as ids in pointer-free tables, their text in
// fixed-size records that the plan's strings are cut from, events, tags
// and blobs in flat arrays, and each reference resolved to the tag or
// image it names, and each tag's "namespace/name:tag" label, so the
// collector has a few large objects to mark and a plan only decides
// which references count. For 100,000 images, 20,000 streams, 1,000,000
// tag events and 500,000 references, building one from pages takes about
// 1 s, and a plan from it 0.15 to 0.2 s with a peak heap near 300 MiB,
// the Index's 117 MiB included (BenchmarkIndexPlanScale).
// Plan from the decoded objects takes 0.55 to 0.8 s, its peak heap just
// under 1 GiB of which the objects are 672 MiB (BenchmarkPlanScale). A
// process's first plan takes 1.0 to 2.1 s: most of the difference is the
// kernel handing over the 350 MB it allocates, page by page. On one
// core, a plan takes 1.15 to 1.4 s, and a first plan 2 to 2.3 s.
// Planning is bound by memory latency: its time grows faster than its
// input once the working set leaves the processor's caches. Digests are
// therefore looked up in batches whose cache misses overlap. For ten
// times the input, the time grows 9 to 12 times from an Index and 10 to
// 15 times from the decoded objects, whose digests every plan interns
// again.
//
// # Not (yet) done
//
// A push that lands between Execute's last re-check and the deletion it
// races is not seen (§6.8), nor, by a sweep, a push that only tags a
// manifest its repository links already, after the sweep's snapshot was
// read; only a registry that refuses pushes while pruning closes those
// windows.
package prune
