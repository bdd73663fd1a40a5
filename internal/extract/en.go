package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tifa-project/tifa/internal/corpus"
)

// English rules: "The Standing Committee of the Provincial Party Committee
// held a meeting", "X, TITLE, presided over the meeting", "the State
// Council's executive meeting chaired by Premier Li Keqiang", "First, …
// Second, …", "The meeting also studied other matters".

var (
	enHeld     = regexp.MustCompile(`((?:the |The )?[A-Z][\w’'.-]*(?: (?:of|the|for|on|and|[A-Z][\w’'.-]*))*?) (?:held|convened|hosted) (?:a|an|its) ((?:[\w-]+ ){0,4}?(?:meeting|session|symposium|study session|conference|plenary session))\b`)
	enMeetNoun = regexp.MustCompile(`\b((?:[A-Z][\w’'.-]*(?:'s|’s)? )*(?:executive |standing committee |plenary |enlarged |Politburo |group )?(?:meeting|session|symposium|study session|conference))\b(?:[^.]{0,80}?) (?:chaired|presided over|hosted) by ((?:[A-Z][\w’'.-]*|of|the)(?: (?:[A-Z][\w’'.-]*|of|the))*)`)
	enPreside  = regexp.MustCompile(`\b(?:presided over|presides over|presiding over|chaired|chairs|chairing) (?:the|a|an) ((?:[\w’'-]+ ){0,6}?(?:meeting|session|symposium|conference|study session))`)
	enHeChair  = regexp.MustCompile(`(?:meeting|session|symposium|conference) (?:he|she) (?:chaired|presided over)`)
	// "in a speech at the 23rd China-ASEAN leaders' meeting", "speech via
	// video link at the 12th BRICS summit", "speech at a grand gathering"
	enSpeechAt = regexp.MustCompile(`\bspeech (?:[\w ]{0,30} )?at (?:the|a|an) ((?:[\w’'-]+ ){0,8}?(?:meeting|summit|session|conference|symposium|gathering|congress|plenum))\b`)
	enSaidVerb = regexp.MustCompile(`\b(?:The|the) (?:meeting|session|symposium|conference) (?:pointed out|stressed|emphasized|emphasised|noted|urged|decided|agreed|called for|required|demanded|held that|said)\b`)
)

var enKinds = []struct{ has, kind string }{
	{"group study", "group study session"},
	{"study session", "group study session"},
	{"Political Bureau", "Politburo meeting"},
	{"Politburo", "Politburo meeting"},
	{"executive meeting", "State Council executive meeting"},
	{"enlarged", "enlarged meeting"},
	{"Standing Committee", "standing committee meeting"},
	{"plenary", "plenary session"},
	{"symposium", "symposium"},
	{"conference", "conference"},
}

func enKind(s string) string {
	for _, k := range enKinds {
		if strings.Contains(s, k.has) {
			if k.kind == "State Council executive meeting" && !strings.Contains(s, "State Council") {
				return "executive meeting"
			}
			return k.kind
		}
	}
	return "meeting"
}

// enLead returns the first sentences of text (about 1,200 bytes): where a
// readout names its meeting and presider.
func enLead(text string) string {
	if len(text) > 1200 {
		cut := 1200
		for cut < len(text) && cut < 1600 && text[cut] != '.' {
			cut++
		}
		return text[:cut]
	}
	return text
}

// enMeeting reads the meeting of an English readout, nil when d is none.
func enMeeting(d *corpus.Document) *Meeting {
	lead := enLead(d.Text)
	m := &Meeting{Presiders: []string{}, Speakers: []string{}, Directives: []Directive{}}
	name := ""
	var anchor int = -1
	if loc := enHeld.FindStringSubmatchIndex(lead); loc != nil {
		m.Body = strings.TrimPrefix(strings.TrimPrefix(lead[loc[2]:loc[3]], "The "), "the ")
		name = m.Body + " " + lead[loc[4]:loc[5]]
		anchor = loc[0]
	}
	if loc := enMeetNoun.FindStringSubmatchIndex(lead); loc != nil {
		if name == "" {
			name = lead[loc[2]:loc[3]]
			anchor = loc[0]
			if b := enBodyOfNoun(name); b != "" {
				m.Body = b
			}
		}
		if n := enNameAtEnd(lead[loc[4]:loc[5]]); n != "" {
			m.Presiders = addUnique(m.Presiders, n)
		}
	}
	for _, loc := range enPreside.FindAllStringSubmatchIndex(lead, 4) {
		if name == "" {
			name = lead[loc[2]:loc[3]]
			anchor = loc[0]
		}
		if n := enSubjectName(lead[:loc[0]]); n != "" {
			m.Presiders = addUnique(m.Presiders, n)
		}
	}
	if name == "" && enHeChair.MatchString(lead) {
		name = enHeChair.FindString(lead)
	}
	speech := false
	if name == "" {
		if loc := enSpeechAt.FindStringSubmatchIndex(lead); loc != nil {
			name, anchor, speech = lead[loc[2]:loc[3]], loc[0], true
			if i := strings.Index(name, " of the "); i >= 0 {
				m.Body = strings.TrimPrefix(name[i+len(" of the "):], "the ")
			}
		}
	}
	said := len(enSaidVerb.FindAllStringIndex(d.Text, -1))
	if name == "" || !speech && len(m.Presiders) == 0 && said == 0 && !strings.Contains(d.Title, "meeting") {
		return nil
	}
	m.Kind = enKind(name)
	if anchor >= 0 {
		m.DateHeld = enDate(enSentenceAround(lead, anchor), d.Date)
	}
	if m.DateHeld == "" {
		m.DateHeld = enDate(lead, d.Date)
	}
	m.Studied = enStudied(lead)
	paras := paraSpans(d.Text)
	m.Directives = mainList(d.Text, paras, enMarkers(d.Text, paras))
	if m.Directives == nil {
		m.Directives = []Directive{}
	}
	for _, c := range []string{"The meeting also studied other matters", "The meeting also studied other issues", "The meeting also discussed other matters", "The meeting also discussed other issues", "The meeting also reviewed other matters"} {
		if strings.Contains(d.Text, c) {
			m.Also = append(m.Also, c)
		}
	}
	return m
}

func enBodyOfNoun(n string) string {
	for _, suf := range []string{"'s", "’s"} {
		if i := strings.Index(n, suf+" "); i > 0 {
			return strings.TrimPrefix(n[:i], "The ")
		}
	}
	return ""
}

func enSentenceAround(s string, i int) string {
	st := strings.LastIndex(s[:i], ". ")
	if st < 0 {
		st = 0
	}
	e := strings.Index(s[i:], ". ")
	if e < 0 {
		return s[st:]
	}
	return s[st : i+e]
}

var enStudyRE = regexp.MustCompile(`\b(?:to |and )?(convey and study|study and implement|convey|study|review|deliberate|hear|discuss|deploy)(?:ed)? ((?:the |a |an )?[^,.;]{8,160})`)

func enStudied(lead string) []string {
	var out []string
	s := lead
	if i := strings.Index(s, "meeting"); i >= 0 {
		s = s[i:]
	}
	if e := strings.Index(s, ". "); e >= 0 {
		s = s[:e]
	}
	for _, m := range enStudyRE.FindAllStringSubmatch(s, maxStudied) {
		out = addUnique(out, cut(m[1]+" "+m[2], 160))
	}
	return out
}

// enSubjectName reads the person who is the subject of the clause that
// ends s: "Xu Qin, Secretary of …, " → Xu Qin; "Chinese Premier Li
// Keqiang " → Li Keqiang.
func enSubjectName(s string) string {
	// The clause starts after the last sentence end.
	st := 0
	for _, sep := range []string{". ", "; ", "\n", " -- "} {
		if i := strings.LastIndex(s, sep); i >= 0 && i+len(sep) > st {
			st = i + len(sep)
		}
	}
	c := strings.TrimSpace(s[st:])
	if i := strings.Index(c, ","); i >= 0 {
		c = c[:i]
	}
	return enNameAtEnd(c)
}

// enLeadStop are words before a title that are not part of it.
var enLeadStop = map[string]bool{"The": true, "the": true, "of": true, "On": true, "In": true, "At": true, "A": true, "An": true, "And": true, "But": true, "As": true, "When": true, "While": true, "After": true, "Before": true,
	"Monday": true, "Tuesday": true, "Wednesday": true, "Thursday": true, "Friday": true, "Saturday": true, "Sunday": true, "Xinhua": true}

var enNameStop = map[string]bool{"The": true, "On": true, "In": true, "At": true, "A": true, "An": true, "It": true, "He": true, "She": true, "Monday": true, "Tuesday": true, "Wednesday": true, "Thursday": true, "Friday": true, "Saturday": true, "Sunday": true,
	"Xinhua": true, "Beijing": true, "Plan": true, "Year": true, "Day": true, "Week": true, "Month": true, "China": true, "Chinese": true, "CPC": true, "Party": true, "Committee": true, "Council": true, "State": true, "Central": true, "Province": true, "Provincial": true, "Commission": true, "Ministry": true, "Congress": true, "People's": true, "People’s": true, "National": true, "Government": true, "Bureau": true}

// enNameAtEnd returns the personal name (two or three capitalised words,
// the last two when more) that ends s, "" when none.
func enNameAtEnd(s string) string {
	w := strings.Fields(s)
	n := 0
	for i := len(w) - 1; i >= 0 && n < 3; i-- {
		if !enNameWord(w[i]) {
			break
		}
		n++
	}
	if n < 2 {
		return ""
	}
	if n == 3 && enTitleWord(w[len(w)-3]) {
		n = 2
	}
	return strings.Join(w[len(w)-n:], " ")
}

func enNameWord(x string) bool {
	if enNameStop[x] || enTitleWord(x) || len(x) < 2 {
		return false
	}
	r := []rune(x)
	if !unicode.IsUpper(r[0]) {
		return false
	}
	for _, c := range r[1:] {
		if !unicode.IsLower(c) && c != '-' {
			return false
		}
	}
	return true
}

var enTitleHeads = map[string]bool{"Secretary": true, "Director": true, "Chairman": true, "Chairwoman": true, "Chair": true, "Vice": true, "Deputy": true, "Minister": true, "Premier": true, "President": true,
	"Governor": true, "Mayor": true, "Member": true, "Head": true, "Chief": true, "Spokesperson": true, "Spokesman": true, "Spokeswoman": true, "Ambassador": true, "Commander": true, "Councilor": true, "Councillor": true,
	"Chancellor": true, "King": true, "Queen": true, "Prince": true, "Senator": true, "Representative": true, "Commissioner": true, "Director-General": true, "Secretary-General": true, "General": true, "Prosecutor": true,
	"Executive": true, "Officer": true, "CEO": true, "Leader": true, "Envoy": true, "Consul": true, "Counselor": true, "Mr.": true, "Ms.": true, "Dr.": true, "Professor": true, "Admiral": true, "Colonel": true}

func enTitleWord(x string) bool {
	return enTitleHeads[x] || enTitleHeads[strings.ToUpper(x[:1])+x[1:]]
}

// enTitleStart: words that open an appositive title.
var enTitleStart = regexp.MustCompile(`^(?:also |the |a |an )?(?:[A-Z][\w.’'-]* ){0,3}(?:(?:former|then|executive|first|permanent|acting|vice|deputy|assistant|chief|senior|general|party|managing|state|standing|alternate) )*(?:[Ss]ecretary|[Dd]irector|[Cc]hairman|[Cc]hairwoman|[Cc]hair|[Vv]ice[- ]|[Dd]eputy|[Mm]inister|[Pp]remier|[Pp]resident|[Gg]overnor|[Mm]ayor|[Mm]ember|[Hh]ead|[Cc]hief|[Ss]pokes(?:person|man|woman)|[Aa]mbassador|[Cc]ommander|[Cc]ouncil+or|[Cc]ommissioner|[Gg]eneral [Ss]ecretary|[Ss]ecretary-[Gg]eneral|[Dd]irector-[Gg]eneral|[Pp]rofessor|[Ll]eader|[Ee]nvoy|[Pp]arty chief|[Pp]arty secretary|CEO|[Ff]ounder|[Pp]resident)`)

// enPreTitle: a capitalised title right before a name: "Premier Li
// Keqiang", "Foreign Ministry spokesperson Zhao Lijian", "General
// Secretary Xi Jinping".
var enPreTitle = regexp.MustCompile(`((?:(?:[A-Z][\w.’'-]*|of|the) )*?(?:(?:Secretary|Minister|Director|Chairman|Governor|Head|Chief) of (?:the )?(?:[A-Z][\w.’'-]* ?){1,3}|Vice Premier|Premier|President|Vice President|General Secretary|Secretary-General|Director-General|Secretary of State|Secretary|State Councilor|Foreign Minister|Defense Minister|Minister|Prime Minister|Chairman|Chairwoman|Governor|Mayor|Ambassador|Chancellor|Senator|Chief Executive|Commissioner|Director|[Ss]pokesperson|[Ss]pokesman|[Ss]pokeswoman|King|Queen|Crown Prince)) ([A-Z][a-z]+(?:-[a-z]+)?(?: [A-Z][a-z]+(?:-[a-z]+)?){1,2})\b`)

// enAppositive: NAME, TITLE[ and TITLE], …
var enAppositive = regexp.MustCompile(`([A-Z][a-z]+(?:-[a-z]+)?(?: [A-Z][a-z]+(?:-[a-z]+)?){0,2}), ((?:also |the |a |an )?[^,;“”"]{3,200}?)(?:,|;| said| presided| chaired| stressed| noted| delivered| made| makes|\.\s|$)`)

// enPeople finds persons with titles in English text.
func enPeople(text string) []Person {
	if len(text) > maxPeopleScan {
		// Regular expressions cost time per byte: a bounded prefix.
		cut := maxPeopleScan
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	var out []Person
	seen := map[Person]bool{}
	add := func(name, title string) {
		title = strings.TrimSpace(title)
		title = strings.TrimPrefix(title, "also ")
		if name == "" || title == "" || len(out) >= maxPeople {
			return
		}
		p := Person{Name: name, Title: title}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, m := range enPreTitle.FindAllStringSubmatchIndex(text, maxPeople) {
		title := text[m[2]:m[3]]
		name := text[m[4]:m[5]]
		// Keep the title words only: drop a leading "The", nationality.
		tw := strings.Fields(title)
		for len(tw) > 1 && enLeadStop[tw[0]] {
			tw = tw[1:]
		}
		nw := strings.Fields(name)
		for len(nw) > 2 && !enNameWord(nw[len(nw)-1]) {
			nw = nw[:len(nw)-1]
		}
		if len(nw) == 3 && (enNameStop[nw[2]]) {
			nw = nw[:2]
		}
		if !enNameWord(nw[0]) || len(nw) < 2 {
			continue
		}
		add(strings.Join(nw, " "), strings.Join(tw, " "))
	}
	for _, m := range enAppositive.FindAllStringSubmatchIndex(text, maxPeople) {
		name := text[m[2]:m[3]]
		t := text[m[4]:m[5]]
		if !enTitleStart.MatchString(t) {
			continue
		}
		nw := strings.Fields(name)
		for len(nw) > 1 && enTitleWord(nw[0]) {
			nw = nw[1:] // "President Xi Jinping, also …": the name is Xi Jinping
		}
		name = strings.Join(nw, " ")
		if len(nw) == 1 && !strings.HasPrefix(t, "also ") {
			continue
		}
		if !enNameWord(nw[0]) {
			continue
		}
		parts := enSplitTitles(t)
		long := false
		for _, part := range parts {
			long = long || len(strings.Fields(part)) > 12
		}
		if long {
			continue // a clause, not a title
		}
		for _, part := range parts {
			add(name, part)
		}
	}
	return out
}

var enAndTitle = regexp.MustCompile(` and (?:(?:also |the |a )?(?:[Vv]ice |[Dd]eputy )?(?:[Ss]ecretary|[Dd]irector|[Cc]hairman|[Cc]hairwoman|[Mm]inister|[Pp]remier|[Pp]resident|[Gg]overnor|[Mm]ayor|[Mm]ember|[Hh]ead|[Cc]hief|[Cc]ommander|[Gg]eneral [Ss]ecretary|[Ss]pokes(?:person|man|woman)))`)

// enSplitTitles splits "Secretary of X and Director of Y" into two titles.
func enSplitTitles(t string) []string {
	var out []string
	for {
		loc := enAndTitle.FindStringIndex(t)
		if loc == nil {
			break
		}
		out = append(out, strings.TrimSpace(strings.TrimPrefix(t[:loc[0]], "also ")))
		t = t[loc[0]+len(" and "):]
	}
	return append(out, strings.TrimSpace(strings.TrimPrefix(t, "also ")))
}
