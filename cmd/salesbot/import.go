package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot/salesbot/app"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/transfer"
)

// maxShownErrors is how many row errors an import prints.
const maxShownErrors = 20

// maxListed is how many column names a message lists: a file with a
// million columns gets a line, not megabytes.
const maxListed = 20

// ImportCmd is `salesbot import deals|team|quotas|events --file F.csv ...`.
func ImportCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && strings.EqualFold(args[0], "activities") { // import_activities.go
		return importActivitiesCmd(ctx, args[1:], stdin, stdout, stderr)
	}
	c := newCommand("import", stdout, stderr)
	var o importOptions
	var maps, stageMap, preset string
	c.fs.StringVar(&o.file, "file", "", "CSV (or export's JSON) file to read; - reads stdin")
	c.fs.StringVar(&maps, "map", "", "field=column pairs naming your columns, e.g. account=Company,amount=Deal Value")
	c.fs.StringVar(&o.dateLayout, "date-format", "", "Go date layout of your dates, e.g. 1/2/2006 (reads 3/1/2017 as March 1) or 2/1/2006 (3 January); without it any unambiguous form is read and the file's own dates decide 3/4/2017")
	c.fs.StringVar(&stageMap, "stage-map", "", "From=To pairs renaming your stages, e.g. \"Closed Won=Won,Demo=Proposal\"")
	c.fs.BoolVar(&o.skipInvalid, "skip-invalid", false, "import the valid rows and list the skipped ones instead of stopping")
	c.fs.StringVar(&o.format, "format", "", "csv or json (default: detected)")
	c.fs.StringVar(&preset, "preset", "", "deals: read the file as this CRM's export ("+transfer.PresetNames()+", or none for salesbot's own columns); by default it is recognised by its header")
	c.fs.BoolVar(&o.listPresets, "list-presets", false, "list the CRM exports recognised, what identifies each and how won and lost are read")
	c.fs.BoolVar(&o.dryRun, "dry-run", false, "read and check everything and print what would happen (counts, column and stage mapping, the first problems); write nothing")
	c.fs.BoolVar(&o.createPeople, "create-people", false, "quotas: add a person the file names who is not yet known, instead of refusing the file")
	c.fs.BoolVar(&o.raw, "raw", false, "csv: keep a leading ' as data (for a file written by export --raw or another tool), instead of taking off the quote export puts before =, +, -, @")
	pos, err := c.parse(args)
	if err == nil && o.listPresets {
		printPresets(c.stdout)
		return 0
	}
	if err == nil {
		err = o.finish(pos, maps, stageMap, preset)
	}
	if err != nil {
		return c.fail(err)
	}
	return c.fail(runImport(ctx, c, o, stdin))
}

type importOptions struct {
	kind         string // deals, team, quotas, events
	file         string
	maps         map[string]string // field → column (normalized)
	stageMap     map[string]string // lower(from) → to
	dateLayout   string
	skipInvalid  bool
	format       string
	raw          bool
	preset       *transfer.Preset // --preset; nil = recognise by the header
	noPreset     bool             // --preset none
	listPresets  bool
	dryRun       bool
	createPeople bool
}

func (o *importOptions) finish(pos []string, maps, stageMap, preset string) error {
	if len(pos) != 1 {
		return usagef("name what to import: deals, team, quotas or events (or --list-presets)")
	}
	o.kind = strings.ToLower(pos[0])
	fields, ok := importFields[o.kind]
	if !ok {
		return usagef("cannot import %q: use deals, team, quotas or events", pos[0])
	}
	if o.file == "" {
		return usagef("--file is required (a CSV with a header row; - reads stdin)")
	}
	switch o.format {
	case "", "csv", "json":
	default:
		return usagef("--format %q: use csv or json", o.format)
	}
	pairs, err := splitPairs("map", maps)
	if err != nil {
		return err
	}
	o.maps = map[string]string{}
	for _, p := range pairs {
		f := normalizeColumn(p[0])
		_, presetField := transferField(f)
		if !fields.has(f) && !(o.kind == "deals" && presetField) {
			return usagef("--map %s=%s: %q is not a %s field; fields are %s", p[0], p[1], p[0], o.kind, fields.names())
		}
		o.maps[f] = normalizeColumn(p[1])
	}
	pairs, err = splitPairs("stage-map", stageMap)
	if err != nil {
		return err
	}
	o.stageMap = map[string]string{}
	for _, p := range pairs {
		o.stageMap[strings.ToLower(p[0])] = p[1]
	}
	if o.dateLayout != "" {
		// A layout without a year or month is almost surely a mistake
		// (e.g. "dd/mm/yyyy" instead of Go's "02/01/2006").
		if !strings.Contains(o.dateLayout, "2006") && !strings.Contains(o.dateLayout, "06") {
			return usagef("--date-format %q is not a Go layout: write the reference date Mon Jan 2 15:04:05 2006 in your format, e.g. 2/1/2006 (day first) or 1/2/2006 (month first)", o.dateLayout)
		}
	}
	if preset != "" {
		if o.kind != "deals" {
			return usagef("--preset is for deal exports: import deals --preset %s", preset)
		}
		if strings.EqualFold(preset, "none") {
			o.noPreset = true
		} else if p, ok := transfer.Lookup(preset); ok {
			o.preset = p
		} else {
			return usagef("--preset %q: use one of %s, or none (salesbot import --list-presets describes them)", preset, transfer.PresetNames())
		}
	}
	if o.createPeople && o.kind != "quotas" {
		return usagef("--create-people is for quota files: import quotas --create-people")
	}
	return nil
}

// rowError is one invalid row.
type rowError struct {
	line int
	msg  string
}

// importer turns a table into one storage.Import. It looks up people,
// territories and deals once and keeps indexes, so a 100k-row file does
// not do 100k database lookups per column.
type importer struct {
	ctx    context.Context
	db     *storage.DB
	o      importOptions
	cfg    app.Config
	stderr io.Writer
	t      *table
	cols   columns
	dates  dateParser
	order  transfer.DateOrder // how a/b/yyyy dates of a plain file read (transfer.FileDateOrder)
	stages sales.StageSet

	in       storage.Import
	errs     []rowError
	rowLines []int // line of each in.Deals / in.People / in.Quotas entry

	people    *peopleIndex
	terrIndex map[string]sales.TerritoryID // lower(name) → id or TerritoryRef
	newPeople int
	newTerrs  int

	unknownStages map[string]int         // stage as written → rows
	extLines      map[string]int         // keys seen in this file → line
	keys          map[string]int         // stable keys of rows without an id → times seen
	ids           map[sales.DealID]bool  // deal ids rows have claimed
	emptyDB       bool                   // no deals before this import
	keepIDs       []sales.DealID         // per in.Deals: the id to create it with, 0 = none
	managers      []pendingManager       // team rows' managers, resolved last
	openLabels    map[string]sales.Stage // preset files: lower(label) → its open stage
	firstStage    sales.Stage            // preset files: im.stages.First(), which allocates
	preset        *transfer.Preset       // the preset the file was read with, nil for salesbot's columns
	conv          transfer.Conversion    // what readInput did to the bytes
	decimalComma  bool                   // plain files: amounts write 1.234,50 (genericDecimalComma)
	explicitRole  []int                  // team rows (in.People indexes) whose role cell is a salesbot role
	roleTexts     map[string]sales.Role  // CRM role texts and the role each became
	newManagers   []string               // named only in the manager column
	evs           []sales.Event          // events files
	dealByExt     map[string]sales.DealID
	dealIDs       map[sales.DealID]bool
	closeUnknown  map[sales.StageKind]int // won and lost rows with no date of their close (noteClose)
}

// readInput reads the whole file: presets are detected from its header
// before it is parsed, and the transfer reader needs it whole.
//
// A CSV is made UTF-8 and comma-separated first (transfer.Normalize: a
// spreadsheet's UTF-16, Windows-1252, ";" or tabs); conv says what was
// done, for the printed mapping.
func readInput(o importOptions, stdin io.Reader) (data []byte, name string, conv transfer.Conversion, err error) {
	name = o.file
	if o.file == "-" {
		name = "stdin"
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(o.file)
	}
	if err != nil {
		return nil, name, conv, fmt.Errorf("read %s: %w", o.file, err)
	}
	if o.format == "json" || strings.EqualFold(filepath.Ext(o.file), ".json") || looksJSON(data) {
		err = transfer.Sniff(data)
	} else {
		data, conv, err = transfer.Normalize(data)
	}
	if err != nil {
		return nil, name, conv, fmt.Errorf("%s: %s", name, errText(err))
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte(utf8BOM)))) == 0 {
		return nil, name, conv, fmt.Errorf("%s: %w", name, errEmptyFile)
	}
	return data, name, conv, nil
}

func runImport(ctx context.Context, c *command, o importOptions, stdin io.Reader) (err error) {
	data, name, conv, err := readInput(o, stdin)
	if err != nil {
		return err
	}
	if conv.Changed() {
		fmt.Fprintf(c.stdout, "file: %s\n", conv)
	}
	if o.format == "" && (strings.EqualFold(filepath.Ext(o.file), ".json") || looksJSON(data)) {
		o.format = "json"
	}
	var preset *transfer.Preset
	if o.kind == "deals" && o.format != "json" && !o.noPreset {
		preset = o.preset
		if preset == nil {
			header := csvHeader(data)
			if preset, _ = transfer.Detect(header); preset == nil {
				preset = guessPreset(header, o.maps)
			}
		}
	} else if o.preset != nil {
		return usagef("--preset %s reads CSV exports; %s is JSON", o.preset.Name, name)
	} else if p, _ := transfer.Detect(csvHeader(data)); p != nil && o.kind != "deals" && o.format != "json" {
		return fmt.Errorf("%s is a %s, not a %s file: import it with salesbot import deals --file %s", name, p.Title, o.kind, o.file)
	}

	c.mmapSize = importMmap(c.cfg.DB, len(data))
	db, cleanup, err := openForImport(ctx, c, o.dryRun)
	if err != nil {
		return err
	}
	defer func() {
		if e := cleanup(); err == nil {
			err = e
		}
	}()

	im := &importer{ctx: ctx, db: db, o: o, cfg: c.cfg, stderr: c.stderr, preset: preset, conv: conv,
		dates: dateParser{layout: o.dateLayout, loc: c.cfg.Loc, importing: true}, unknownStages: map[string]int{}}
	if err := im.load(); err != nil {
		return err
	}
	restoreGC := lazyGC()
	if preset != nil {
		err = im.readPreset(data, name, preset, o.preset != nil, c.stdout)
	} else {
		err = im.readGeneric(data, name)
	}
	restoreGC()
	if err != nil {
		return err
	}
	if o.kind == "team" {
		if err := im.resolveManagers(); err != nil {
			return err
		}
	}
	rows := len(im.in.Deals) + len(im.in.People) + len(im.in.Quotas) + len(im.evs)
	if len(im.errs) > 0 {
		im.printErrors(c.stderr)
		if !o.skipInvalid {
			if o.dryRun {
				return fmt.Errorf("dry run: %d invalid %s in %s; an import would write nothing (fix them, or pass --skip-invalid to import the rest)", len(im.errs), plural(len(im.errs), im.t.where), name)
			}
			return fmt.Errorf("%d invalid %s in %s; nothing was imported (fix them, or pass --skip-invalid to import the rest)", len(im.errs), plural(len(im.errs), im.t.where), name)
		}
	}
	if rows == 0 {
		return fmt.Errorf("no valid rows in %s; nothing was imported", name)
	}
	if o.kind == "events" {
		return im.writeEvents(c.stdout)
	}
	im.keepDealIDs()

	bar := newProgress(c.stderr, "", 0)
	var res storage.ImportResult
	if o.dryRun {
		bar.note(fmt.Sprintf("checking %d %s against the database…", rows, plural(rows, im.t.where)))
		res, err = db.ImportDryRun(ctx, im.in, 0)
	} else {
		bar.note(fmt.Sprintf("writing %d %s in one transaction…", rows, plural(rows, im.t.where)))
		res, err = db.Import(ctx, im.in, 0)
	}
	bar.done()
	if err != nil {
		var ie *storage.ImportError
		if errors.As(err, &ie) {
			return fmt.Errorf("%s %d: %s; nothing was imported", im.t.where, im.lineOf(ie), sales.ErrorMessage(ie.Err))
		}
		return fmt.Errorf("import: %w; nothing was imported", err)
	}
	im.summary(c.stdout, res)
	return nil
}

// lazyGC lets the heap grow four times its live size, not twice, until
// the returned func restores the setting: reading a file makes mostly
// short-lived garbage, and at a million rows the collections it caused
// were 1.5-2 CPU-s. The peak comes later, in the transaction, whose
// collections keep the usual pace. A GOGC already above it, or off, stays.
func lazyGC() (restore func()) {
	const lazy = 400
	old := debug.SetGCPercent(lazy)
	if old < 0 || old >= lazy {
		debug.SetGCPercent(old)
		return func() {}
	}
	return func() { debug.SetGCPercent(old) }
}

// importMmap sizes the memory map of a database about to import a file of
// n bytes so the import never outgrows it mid-transaction: the file's size
// plus 32 bytes per byte of input (a 100k-row HubSpot export of 13 MB adds
// 138 MB). It is address space, not memory; 0 (bbolt's default) below
// 2 MB of input, where growing costs little, and on 32-bit systems.
func importMmap(path string, n int) int {
	if n < 2<<20 || strconv.IntSize < 64 {
		return 0
	}
	size := 0
	if fi, err := os.Stat(path); err == nil {
		size = int(fi.Size())
	}
	return size + 32*n
}

// openForImport opens the database. A dry run works on a copy in a
// temporary directory (a consistent snapshot of the file, or a new empty
// database when there is none yet): opening the file itself for writing
// would already change it (schema check), and the dry run writes nothing.
func openForImport(ctx context.Context, c *command, dryRun bool) (*storage.DB, func() error, error) {
	if !dryRun {
		db, err := c.open(false)
		if err != nil {
			return nil, nil, err
		}
		return db, db.Close, nil
	}
	dir, err := os.MkdirTemp("", "salesbot-dry-run-")
	if err != nil {
		return nil, nil, err
	}
	copyPath := filepath.Join(dir, "dry-run.db")
	if _, err := os.Stat(c.cfg.DB); err == nil {
		src, err := c.openForRead(ctx)
		if err == nil {
			_, err = src.BackupFile(ctx, copyPath)
			closeDB(src, &err)
		}
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
	}
	saved := c.cfg.DB
	c.cfg.DB = copyPath
	db, err := c.open(false)
	c.cfg.DB = saved
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return db, func() error {
		err := db.Close()
		os.RemoveAll(dir)
		return err
	}, nil
}

// readGeneric reads a file in salesbot's own columns (its export, a plain
// spreadsheet, --map) row by row into im.in.
func (im *importer) readGeneric(data []byte, name string) error {
	o := im.o
	bar := newProgress(im.stderr, "reading "+name, int64(len(data)))
	known := importFields[o.kind].known(o.maps)
	t, err := readTable(bytes.NewReader(data), tableOptions{format: o.format, onRow: func(off int64) { bar.set(off) }, raw: o.raw,
		known: func(k string) bool { return known[normalizeColumn(k)] }, knownList: importFields[o.kind].names()})
	bar.done()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	im.t = t
	if len(t.rows) == 0 {
		return fmt.Errorf("%s has a header but no rows: nothing to import", name)
	}
	cols, unused, err := mapColumns(t.header, importFields[o.kind], o.maps)
	if err != nil {
		return err
	}
	if len(cols) == 0 {
		return usagef("%s: none of the columns (%s) is %s %s field (%s); name them with --map field=column", name, clipList(t.header, maxListed), map[bool]string{true: "an", false: "a"}[o.kind == "events"], o.kind, importFields[o.kind].names())
	}
	if len(unused) > 0 {
		fmt.Fprintf(im.stderr, "note: ignoring column(s) %s; use --map field=column to import them\n", clipList(unused, maxListed))
	}
	im.cols = cols
	if o.kind == "deals" && o.dateLayout == "" {
		if im.order, err = im.genericDateOrder(); err != nil {
			return err
		}
	}
	if o.kind == "deals" {
		if im.decimalComma = im.genericDecimalComma(); im.decimalComma {
			fmt.Fprintln(im.stderr, "note: the amounts write the decimal mark as a comma (1.234,50 is 1234.50, 12.000 is 12000), as the file's amounts or its \";\" separator show")
		}
	}
	bar = newProgress(im.stderr, "checking rows", int64(len(t.rows)))
	defer bar.done()
	for i, row := range t.rows {
		if row.err != nil {
			im.fail(row.line, row.err.Error())
			continue
		}
		err = im.checkCells(row)
		switch {
		case err != nil:
		case o.kind == "deals":
			err = im.deal(row)
		case o.kind == "team":
			err = im.person(row)
		case o.kind == "quotas":
			err = im.quota(row)
		case o.kind == "events":
			err = im.event(row)
		}
		if err != nil {
			im.fail(row.line, errText(err))
		}
		if i&1023 == 0 {
			bar.set(int64(i))
			if err := im.ctx.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// fieldLimits are the longest values of fields a slash command limits the
// same way (sales.CheckText); other fields get sales.MaxName.
var fieldLimits = map[string]int{
	"account": sales.MaxAccount, "lost_reason": sales.MaxText, "notes": sales.MaxNotes, "email": sales.MaxText,
	"next_step": sales.MaxText,
}

// checkCells holds every imported cell to the rules slash commands use:
// UTF-8, no control characters, no longer than the field allows. The
// message names the column as the file does and the field it maps to.
func (im *importer) checkCells(row tableRow) error {
	fields := make([]string, 0, len(im.cols))
	for f := range im.cols {
		fields = append(fields, f)
	}
	sort.Strings(fields) // the same error first every run
	for _, f := range fields {
		i := im.cols[f]
		limit, ok := fieldLimits[f]
		if !ok {
			limit = sales.MaxName
		}
		cell := row.cells[i]
		if f != "notes" && f != "lost_reason" {
			cell = strings.TrimSpace(cell)
		}
		if err := sales.CheckText(strings.ReplaceAll(f, "_", " "), cell, limit); err != nil {
			col := clipText(im.t.header[i], 40)
			if col == f {
				return fmt.Errorf("column %s: %s", col, sales.ErrorMessage(err))
			}
			return fmt.Errorf("column %q (%s): %s", col, f, sales.ErrorMessage(err))
		}
	}
	return nil
}

func (im *importer) fail(line int, msg string) {
	im.errs = append(im.errs, rowError{line, msg})
}

// lineOf maps a storage error back to the file.
func (im *importer) lineOf(ie *storage.ImportError) int {
	switch {
	case ie.Kind == "deal" && im.o.kind == "deals", ie.Kind == "person" && im.o.kind == "team", ie.Kind == "quota" && im.o.kind == "quotas":
		if ie.Index < len(im.rowLines) {
			return im.rowLines[ie.Index]
		}
	}
	return 0
}

func (im *importer) printErrors(w io.Writer) {
	for i, e := range im.errs {
		if i == maxShownErrors {
			fmt.Fprintf(w, "… and %d more\n", len(im.errs)-maxShownErrors)
			break
		}
		verb := "error"
		if im.o.skipInvalid {
			verb = "skipped"
		}
		fmt.Fprintf(w, "%s %d: %s: %s\n", im.t.where, e.line, verb, e.msg)
	}
	if len(im.unknownStages) > 0 {
		var names, pairs []string
		for s := range im.unknownStages {
			names = append(names, s)
		}
		sort.Strings(names)
		for _, s := range names {
			pairs = append(pairs, s+"="+im.suggestStage(s))
		}
		fmt.Fprintf(w, "hint: your stages are %s; map the unknown ones to them, e.g. --stage-map %q\n",
			im.stages.NameList(), strings.Join(pairs, ","))
	}
}

// suggestStage guesses a target for an unknown stage name in the hint.
func (im *importer) suggestStage(s string) string {
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "won") || strings.Contains(l, "win") || strings.Contains(l, "closed w"):
		return im.stages.Won().Name
	case strings.Contains(l, "lost") || strings.Contains(l, "loss") || strings.Contains(l, "dead"):
		return im.stages.Lost().Name
	}
	return im.stages.First().Name
}

func (im *importer) summary(w io.Writer, res storage.ImportResult) {
	imported, added := "imported", "added"
	if im.o.dryRun {
		imported, added = "dry run: would import", "would add"
	}
	switch im.o.kind {
	case "deals":
		fmt.Fprintf(w, "%s %d %s: %d new, %d updated, %d unchanged\n", imported, len(im.in.Deals), plural(len(im.in.Deals), "deal"),
			res.DealsCreated, res.DealsUpdated, res.DealsUnchanged)
	case "team":
		fmt.Fprintf(w, "%s %d %s: %d new\n", imported, len(im.in.People), plural(len(im.in.People), "person"), res.PeopleCreated)
		if n := len(im.newManagers); n > 0 {
			fmt.Fprintf(w, "managers named only in the manager column, %s as managers: %s\n", map[bool]string{true: "would be added", false: "added"}[im.o.dryRun], clipList(im.newManagers, maxListed))
		}
		if len(im.roleTexts) > 0 {
			var pairs []string
			for _, t := range slices.Sorted(maps.Keys(im.roleTexts)) {
				pairs = append(pairs, fmt.Sprintf("%q → %s", clipText(t, 40), im.roleTexts[t]))
			}
			fmt.Fprintf(w, "roles read from the file's own titles: %s (salesbot admins are set with /salesbot role)\n", clipList(pairs, maxListed))
		}
	case "quotas":
		fmt.Fprintf(w, "%s %d %s\n", imported, len(im.in.Quotas), plural(len(im.in.Quotas), "quota"))
	}
	if im.o.kind != "team" && res.PeopleCreated > 0 {
		fmt.Fprintf(w, "%s %d %s from the file's owners, not yet linked to Slack: each is linked when a Slack user with the same confirmed email first uses salesbot, or by /salesbot link\n",
			added, res.PeopleCreated, plural(res.PeopleCreated, "person"))
	}
	if n := len(res.RolesPending); n > 0 {
		fmt.Fprintf(w, "%d %s matched only by name %s already linked to Slack: the file's role waits for an admin to confirm with /salesbot role\n",
			n, plural(n, "person"), map[bool]string{true: "is", false: "are"}[n == 1])
	}
	if im.newTerrs > 0 {
		fmt.Fprintf(w, "%s %d %s\n", added, im.newTerrs, plural(im.newTerrs, "territory"))
	}
	if im.o.skipInvalid && len(im.errs) > 0 {
		fmt.Fprintf(w, "skipped %d invalid %s (listed above)\n", len(im.errs), plural(len(im.errs), im.t.where))
	}
	im.printCloseUnknown(w)
	if n := len(im.in.Events); n > 0 && im.o.kind == "deals" && res.DealsCreated > 0 {
		fmt.Fprintf(w, "history: %d stage %s from the file's time columns, for the deals this import creates\n", n, plural(n, "change"))
	}
	if im.o.dryRun {
		fmt.Fprintln(w, "dry run: nothing was written")
	}
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	switch {
	case s == "person":
		return "people"
	case strings.HasSuffix(s, "y"):
		return s[:len(s)-1] + "ies"
	}
	return s + "s"
}

// load reads what rows refer to: stages, people, territories.
func (im *importer) load() error {
	var err error
	if im.stages, err = im.db.Stages(im.ctx); err != nil {
		return err
	}
	people, err := im.db.People(im.ctx)
	if err != nil {
		return err
	}
	im.people = newPeopleIndex(people)
	n, err := im.db.CountDeals(im.ctx)
	if err != nil {
		return err
	}
	im.emptyDB = n == 0
	terrs, err := im.db.Territories(im.ctx)
	if err != nil {
		return err
	}
	im.terrIndex = map[string]sales.TerritoryID{}
	for _, t := range terrs {
		im.terrIndex[strings.ToLower(t.Name)] = t.ID
	}
	return nil
}

// territory resolves a territory name, adding a new one to the import.
func (im *importer) territory(name string) sales.TerritoryID {
	if name == "" {
		return 0
	}
	k := strings.ToLower(name)
	if id, ok := im.terrIndex[k]; ok {
		return id
	}
	im.in.Territories = append(im.in.Territories, sales.Territory{Name: name})
	id := storage.TerritoryRef(len(im.in.Territories) - 1)
	im.terrIndex[k] = id
	im.newTerrs++
	return id
}

// ---- deals ----

func (im *importer) deal(row tableRow) error {
	c, r := im.cols, row.cells
	d := sales.Deal{
		Account:    c.get(r, "account"),
		Product:    c.get(r, "product"),
		LostReason: c.raw(r, "lost_reason"),
		Notes:      c.raw(r, "notes"),
	}
	// "id" is the external id of a file without an external_id column;
	// next to one (salesbot's own export) it is salesbot's deal id.
	ext, sbID := c.get(r, "external_id"), ""
	if c.has("external_id") {
		sbID = c.get(r, "id")
	} else {
		ext = c.get(r, "id")
	}
	d.ExternalID = ext
	if s := c.get(r, "forecast"); s != "" {
		cat, err := sales.ParseForecastCategory(s)
		if err != nil {
			return err
		}
		d.Forecast = cat
	}
	if d.NextStep = c.get(r, "next_step"); d.NextStep != "" {
		if s := c.get(r, "next_due"); s != "" {
			due, err := sales.ParseDate(s)
			if err != nil {
				return fmt.Errorf("next_due %q is not a date: use YYYY-MM-DD", s)
			}
			d.NextDue = due
		}
	} else if s := c.get(r, "next_due"); s != "" {
		return fmt.Errorf("next_due %s is set but next_step is empty: a due date belongs to a next step", s)
	}

	if s := c.get(r, "amount"); s != "" {
		if im.decimalComma {
			s = swapMarks.Replace(s)
		}
		m, err := commands.ParseAmount(s, im.cfg.Cur)
		if err != nil {
			return err
		}
		d.Amount = m
	}
	stage, err := im.stage(c.get(r, "stage"))
	if err != nil {
		return err
	}
	d.Stage = stage.ID
	for _, tf := range []struct {
		name  string
		dst   *time.Time
		civil bool
	}{
		{"close_date", &d.CloseDate, true}, {"created", &d.CreatedAt, false}, {"updated", &d.UpdatedAt, false}, {"closed", &d.ClosedAt, false},
		{"stage_entered", &d.StageEnteredAt, false}, {"snoozed_until", &d.SnoozedUntil, false},
	} {
		s := c.get(r, tf.name)
		if s == "" {
			continue
		}
		var err error
		if *tf.dst, err = im.date(tf.name, s, tf.civil); err != nil {
			return err
		}
	}
	if !d.ClosedAt.IsZero() && stage.Kind == sales.StageOpen {
		return fmt.Errorf("closed is set (%s) but stage %s is open: leave closed empty or use %s/%s",
			c.get(r, "closed"), stage.Name, im.stages.Won().Name, im.stages.Lost().Name)
	}
	if !d.ClosedAt.IsZero() && !d.CreatedAt.IsZero() && d.ClosedAt.Before(d.CreatedAt) {
		return fmt.Errorf("closed %s is before created %s", c.get(r, "closed"), c.get(r, "created"))
	}
	if stage.Kind == sales.StageWon {
		// However it is won, a won deal has an amount greater than zero:
		// a $0 win would count in win rate and pull the deal size down.
		if err := sales.ValidateWon(d); err != nil {
			return err
		}
	}
	if stage.Kind != sales.StageOpen && d.ClosedAt.IsZero() && !d.CloseDate.IsZero() {
		// A won or lost deal's close date is when it closed, at midnight
		// in the team's zone.
		cd := d.CloseDate
		d.ClosedAt = time.Date(cd.Year(), cd.Month(), cd.Day(), 0, 0, 0, 0, im.cfg.Loc)
		if !d.CreatedAt.IsZero() && d.ClosedAt.Before(d.CreatedAt) {
			d.ClosedAt = d.CreatedAt
		}
	}
	if ext == "" && sbID == "" {
		d.ExternalID = im.stableKey(d, c.get(r, "owner"))
	}
	if ext != "" {
		if line, dup := im.seenExt(ext, row.line); dup {
			return fmt.Errorf("external id %q is used again (first on %s %d)", ext, im.t.where, line)
		}
	}
	keep, err := im.matchID(&d, sbID)
	if err != nil {
		return err
	}
	// People and territories are added last: a row that fails above adds
	// nothing, which --skip-invalid relies on.
	if d.Owner, err = im.owner(c.get(r, "owner"), c.get(r, "owner_slack_id")); err != nil {
		return err
	}
	d.Territory = im.territory(c.get(r, "territory"))
	im.noteClose(d, stage.Kind)
	im.in.Deals = append(im.in.Deals, d)
	im.keepIDs = append(im.keepIDs, keep)
	im.rowLines = append(im.rowLines, row.line)
	return nil
}

// seenExt remembers external ids of this file.
func (im *importer) seenExt(ext string, line int) (int, bool) {
	if im.extLines == nil {
		im.extLines = map[string]int{}
	}
	if l, ok := im.extLines[ext]; ok {
		return l, true
	}
	im.extLines[ext] = line
	return 0, false
}

// matchID decides whether a row of salesbot's own export (which carries
// the deal id D-42) is the stored deal D-42: only when that deal is the
// same one (same external id, or same account and creation time); then d
// updates it. Otherwise the row makes a new deal, so a file from another
// salesbot never overwrites an unrelated deal that happens to share a
// number; its old id becomes its external id. keep is the id to create
// the deal with, which keepDealIDs uses only for an empty database, so
// export → import is lossless there.
func (im *importer) matchID(d *sales.Deal, sbID string) (keep sales.DealID, err error) {
	if sbID == "" {
		return 0, nil
	}
	id, ok := sales.ParseDealID(sbID)
	if !ok {
		return 0, fmt.Errorf("id %q is not a salesbot deal id such as D-42 (a foreign id belongs in external_id)", sbID)
	}
	if !im.claimID(id) {
		return 0, fmt.Errorf("id %s appears twice", id)
	}
	if im.emptyDB {
		return id, nil
	}
	stored, err := im.db.Deal(im.ctx, id)
	if err != nil && sales.ErrorCode(err) != sales.ENOTFOUND {
		return 0, err
	}
	if err == nil && stored.ExternalID == d.ExternalID && (d.ExternalID != "" ||
		(strings.EqualFold(stored.Account, d.Account) && stored.CreatedAt.Unix() == d.CreatedAt.Unix())) {
		d.ID = id
		return 0, nil
	}
	// A deal from another database: its id there becomes its external id
	// here, so importing the same file again updates instead of copying.
	if d.ExternalID == "" {
		d.ExternalID = id.String()
	}
	return 0, nil
}

// keepDealIDs gives new deals their ids from the file when the database
// was empty and every row has one. Mixed with rows that get a fresh id,
// an explicit id could collide with a number handed out earlier in the
// same transaction, so then no ids are kept.
func (im *importer) keepDealIDs() {
	if !im.emptyDB {
		return
	}
	all := true
	for _, id := range im.keepIDs {
		all = all && id != 0
	}
	for i, id := range im.keepIDs {
		switch d := &im.in.Deals[i]; {
		case all:
			d.ID = id
		case id != 0 && d.ExternalID == "":
			d.ExternalID = id.String() // as matchID does for a non-empty database
		}
	}
}

// claimID keeps two rows from taking the same deal id.
func (im *importer) claimID(id sales.DealID) bool {
	if im.ids == nil {
		im.ids = map[sales.DealID]bool{}
	}
	if im.ids[id] {
		return false
	}
	im.ids[id] = true
	return true
}

// stage resolves a stage name through --stage-map.
func (im *importer) stage(s string) (sales.Stage, error) {
	if s == "" {
		return im.stages.First(), nil
	}
	name := s
	if to, ok := im.o.stageMap[strings.ToLower(s)]; ok {
		name = to
	}
	st, err := im.stages.Lookup(name)
	if err != nil {
		if name == s {
			im.unknownStages[s]++
			return st, fmt.Errorf("unknown stage %q: use one of %s, or map it with --stage-map %q", s, im.stages.NameList(), s+"="+im.suggestStage(s))
		}
		return st, fmt.Errorf("--stage-map sends %q to %q, which is not a stage: use one of %s", s, name, im.stages.NameList())
	}
	return st, nil
}
