package extract

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tifa-project/tifa/internal/corpus"
)

// Chinese rules. A readout names its meeting in the title or the lead
// ("省委常委会召开扩大会议", "中共中央政治局1月16日召开会议",
// "李强主持召开国务院常务会议", "…第十三次会议召开"), its presider next to
// 主持, and then reports what the meeting said (会议指出/强调/认为/要求).

// zhSaid are the verbs by which a readout reports the meeting.
var zhSaid = []string{"会议指出", "会议强调", "会议认为", "会议要求", "会议决定", "会议听取", "会议审议", "会议通过", "会议传达", "会议研究", "会议号召", "会议提出", "会议一致认为", "会议还", "会议对", "会议同意", "会议部署"}

// zhMeetingNoun ends the name of a meeting.
const zhMeetingNoun = `(?:常委会(?:会议|扩大会议)?|扩大会议|常务会议|全体会议|全会|座谈会|工作座谈|集体学习|专题学习|学习会|报告会|电视电话会议|视频会议|工作会议|推进会|调度会|部署会|务虚会|联席会议?|专题会议?|峰会|大会|会议)`

var (
	// MEETING召开|举行|开幕|闭幕 (title style)
	zhHeld = regexp.MustCompile(`([^，。；：、\s“”]{2,50}?` + zhMeetingNoun + `)(?:第[一二三四五六七八九十\d]+次(?:全体)?会议)?(?:(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日(?:至\d{1,2}日)?(?:上午|下午|晚上)?)?(?:在[^，。；\s]{1,12})?(?:召开|举行|开幕|闭幕|闭会)`)
	// 在…上的讲话 (a speech at a meeting)
	zhSpeechAt = regexp.MustCompile(`在([^，。；：“”\s]{2,60}?` + zhMeetingNoun + `)(?:[^，。；“”]{0,40}?时|上|开幕式|开幕会上|闭幕会上|开幕式上)?的(?:重要|主旨)?讲话`)
	// 今天，我们召开… / 今天，中央政治局进行…集体学习 (a speech's opening)
	zhSpeechOpen = regexp.MustCompile(`^[^。]{0,20}?今天，(?:我们|中央政治局)[^。]{0,30}?(?:召开|举行|进行|隆重集会)`)
	// [YYYY年][M月]D日[至D日][上午] before the verb
	zhTimeTail = regexp.MustCompile(`(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日(?:至\d{1,2}日)?(?:上午|下午|晚上|晚间|早上|晚)?$|(?:今天|今日|昨天|昨日|当天|日前|近日)(?:上午|下午|晚上|晚间|早上)?$|(?:上午|下午|晚上|晚间|早上)$|在[^，。；、\s]{1,12}$`)
	zhOrdinal  = regexp.MustCompile(`第[一二三四五六七八九十百零〇\d]+次`)
	zhLead     = regexp.MustCompile(`^(?:央视网消息[（(]新闻联播[）)]：\s*(?:本台消息：)?|本台消息：|新华社[^，。\s]{0,12}?电\s*|(?:本报|[^，。\s]{0,8}日报)[^，。\s]{0,16}?讯\s*[（(][^）)]*[）)]|(?:本报|[^，。\s]{0,8}日报)[^，。\s（(]{0,16}?讯)\s*`)
	zhDateline = regexp.MustCompile(`(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:讯|电)`)
)

// zhKinds maps the end of a meeting's name to its kind, first match wins.
var zhKinds = []struct{ has, kind string }{
	{"集体学习", "group study session"},
	{"中心组", "group study session"},
	{"政治局常委会", "Politburo Standing Committee meeting"},
	{"政治局", "Politburo meeting"},
	{"国务院常务会议", "State Council executive meeting"},
	{"常务会议", "executive meeting"},
	{"扩大会议", "enlarged meeting"},
	{"常委会", "standing committee meeting"},
	{"全会", "plenary session"},
	{"全体会议", "plenary session"},
	{"座谈会", "symposium"},
	{"电视电话会议", "teleconference"},
	{"视频会议", "video conference"},
	{"工作会议", "work conference"},
	{"务虚会", "brainstorming meeting"},
	{"专题会", "special meeting"},
	{"学习会", "study meeting"},
	{"委员会", "committee meeting"},
	{"深改委", "committee meeting"},
	{"领导小组", "leading group meeting"},
	{"大会", "conference"},
}

func zhKind(name string) string {
	for _, k := range zhKinds {
		if strings.Contains(name, k.has) {
			return k.kind
		}
	}
	return "meeting"
}

// zhBodyOf reduces a meeting's name to its convening body: 福建省委深改委第十三次会议 → 福建省委深改委.
func zhBodyOf(name string) string {
	if loc := zhOrdinal.FindStringIndex(name); loc != nil {
		name = name[:loc[0]]
	}
	for _, suf := range []string{"常务会议", "全体会议", "扩大会议", "电视电话会议", "视频会议", "专题会议", "会议", "全会", "座谈会", "集体学习"} {
		if strings.HasSuffix(name, suf) && len(name) > len(suf) {
			name = strings.TrimSuffix(name, suf)
			break
		}
	}
	name = strings.TrimRight(name, "的")
	// 民革十三届四中(全会): the body is the committee of the 十三届.
	if loc := zhPlenumOrdinal.FindStringIndex(name); loc != nil && loc[0] > 0 {
		name = name[:loc[0]]
	}
	return name
}

var zhPlenumOrdinal = regexp.MustCompile(`[一二三四五六七八九十]+中$`)

// zhLeadParas returns the paragraphs before the report proper (those
// starting 会议指出…), at most three, with datelines stripped.
func zhLeadParas(text string) []string {
	var out []string
	for _, p := range firstParagraphs(text, 3) {
		if len(out) == 3 {
			break
		}
		if hasAnyPrefix(p, zhSaid) {
			break
		}
		out = append(out, stripLead(p))
	}
	return out
}

// stripLead removes a dateline (央视网消息（新闻联播）：, 本报讯（记者…）)
// from the start of a paragraph.
func stripLead(p string) string {
	if !hasAnyPrefix(p, zhLeadStarts) && !strings.Contains(headRunes(p, 16), "日报") {
		return p
	}
	if loc := zhLead.FindStringIndex(p); loc != nil {
		return p[loc[1]:]
	}
	return p
}

var zhLeadStarts = []string{"央视网", "本台", "新华社", "本报"}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// zhBareKinds are meeting names that say nothing of the body (扩大会议):
// the body is then the subject before 召开.
var zhBareKinds = map[string]bool{"有关": true, "相关": true, "扩大": true, "常务": true, "全体": true, "专题": true, "工作": true, "视频": true, "电视电话": true, "": true}

// zhMeeting reads the meeting of a Chinese readout, nil when d is none.
func zhMeeting(d *corpus.Document) *Meeting {
	lead := zhLeadParas(d.Text)
	title := d.Title
	if !mayBeMeeting(title, lead, firstParagraphs(d.Text, 1)) {
		return nil
	}
	paras := paragraphs(d.Text)
	said := 0
	for _, p := range paras {
		if hasAnyPrefix(p, zhSaid) {
			said++
		}
		for _, v := range []string{"。会议指出", "。会议强调", "。会议认为", "。会议要求"} {
			said += strings.Count(p, v)
		}
	}
	m := &Meeting{Presiders: []string{}, Speakers: []string{}, Directives: []Directive{}}
	name, body := "", ""
	convSentence, convBefore := "", ""
	firstSentence := false
	// The meeting as named: the title, then the lead.
	for _, s := range append([]string{title}, lead...) {
		if s == "" {
			continue
		}
		if pre, np, at, ok := zhConveneAt(s); ok {
			loc := []int{at, at, 0, 0, at, at + len(np)}
			if name == "" {
				name = np
				if b := zhBodyOf(np); !zhBareKinds[b] && b != np && !strings.HasPrefix(np, "常委会") {
					body = b
				} else if b := zhBodyOf(trimSubject(pre)); !strings.HasPrefix(b, "我们") {
					body = b
					if strings.HasPrefix(np, "常委会") && !strings.HasSuffix(body, "常委会") && body != "" {
						body += "常委会"
					}
				}
			}
			if s != title {
				convSentence = sentenceAround(s, loc[0])
				convBefore = convSentence[:max(0, min(len(convSentence), strings.Index(convSentence, s[loc[4]:loc[5]])))]
				firstSentence = s == lead[0] && strings.HasPrefix(s, convSentence)
				break
			}
		} else if loc := findNear(zhHeld, s, zhHeldVerbs, 270, 0); loc != nil && !ceremonyAfter(s[loc[1]:]) {
			if name == "" {
				name = trimSubject(s[loc[2]:loc[3]])
				body = zhBodyOf(name)
			}
			if s != title {
				convSentence = sentenceAround(s, loc[0])
				convBefore = convSentence
				break
			}
		}
	}
	// A speech delivered at a meeting is its record: 在…座谈会上的讲话 as
	// the heading, or 今天，我们召开… as the opening.
	speech := false
	heads := []string{title}
	if len(paras) > 0 {
		p0 := stripLead(paras[0])
		if i := strings.LastIndex(p0, "——"); i >= 0 && i < 200 {
			p0 = p0[i+len("——"):]
		}
		heads = append(heads, p0)
		if zhSpeechOpen.MatchString(p0) {
			speech = true
		}
	}
	for _, h := range heads {
		if loc := findNear(zhSpeechAt, h, []string{"讲话"}, 300, 0); loc != nil && utf8.RuneCountInString(h[:loc[0]]) <= 6 && !strings.ContainsAny(h[:loc[0]], "，。；") {
			np := h[loc[2]:loc[3]]
			if strings.Contains(np, "会见") || strings.Contains(np, "出席") || strings.Contains(np, "看望") {
				continue
			}
			speech = true
			name, body = np, zhBodyOf(np)
			break
		}
	}
	// Presiders: beside 主持 in the title and the lead; a sentence of its
	// own (X主持会议。) anywhere.
	for _, s := range append([]string{title}, lead...) {
		conv := s == title || convSentence != "" && strings.Contains(s, convSentence)
		for _, p := range zhPresiders(s, conv) {
			m.Presiders = addUnique(m.Presiders, p)
		}
	}
	if len(m.Presiders) == 0 {
		for _, p := range paras {
			for _, n := range zhPresiderSentences(p) {
				m.Presiders = addUnique(m.Presiders, n)
			}
		}
	}
	for _, s := range append([]string{title}, lead...) {
		for _, p := range zhSpeakers(s) {
			if !contains(m.Presiders, p) {
				m.Speakers = addUnique(m.Speakers, p)
			}
		}
	}
	titleHeld := false
	for _, v := range []string{"召开", "举行", "进行", "闭幕", "开幕"} {
		titleHeld = titleHeld || strings.Contains(title, v)
	}
	switch {
	case name != "" && (len(m.Presiders) > 0 || said > 0 || titleHeld || firstSentence):
	case speech:
	case name == "" && len(m.Presiders) > 0 && said > 0:
		name = "会议"
	default:
		return nil
	}
	if name == "" {
		name = "会议"
	}
	if strings.Contains(name, "政治局") && body == "" {
		body = "中共中央政治局"
	}
	m.Body = strings.TrimSpace(body)
	for _, p := range m.Presiders {
		if strings.HasSuffix(m.Body, p) {
			m.Body = "" // 王东峰主持召开…: the subject is the presider, not a body
		}
	}
	m.Kind = zhKind(name)
	if m.Kind == "meeting" {
		m.Kind = zhKind(m.Body + "会议") // 省委常委会 + 会议: a standing committee meeting
	}
	raw0 := ""
	if len(paras) > 0 {
		raw0 = paras[0]
	}
	m.DateHeld = zhHeldDate(convSentence, convBefore, lead, raw0, d.Date)
	m.Studied = zhStudied(convSentence)
	spans := paraSpans(d.Text)
	m.Directives = mainList(d.Text, spans, zhMarkers(d.Text, spans))
	if m.Directives == nil {
		m.Directives = []Directive{}
	}
	for _, p := range paras {
		for _, c := range []string{"会议还研究了其他事项", "会议还研究了其他工作", "会议还研究了其他", "会议还审议了其他事项", "会议还研究部署了其他工作", "会议还通报了其他事项"} {
			if strings.HasPrefix(p, c) {
				m.Also = addUnique(m.Also, strings.TrimRight(p, "。"))
				break
			}
		}
	}
	return m
}

// futureBefore: 关于召开…, 将召开… — a meeting to come, not this one.
func futureBefore(s string) bool {
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "召开"), "举行"), "进行")
	for _, w := range []string{"关于", "将", "决定", "拟", "筹备", "即将", "定于", "计划"} {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

var (
	zhConveneVerbs = []string{"召开", "举行", "进行"}
	zhHeldVerbs    = []string{"召开", "举行", "开幕", "闭幕", "闭会"}
)

// zhNPAfter is the meeting named right after a verb of holding.
var zhNPAfter = regexp.MustCompile(`^(?:主持召开|召开|举行|进行)([^，。；：“”\s]{0,40}?` + zhMeetingNoun + `)`)

// zhConveneAt finds "BODY [date] [在PLACE] [就…] 召开|举行|进行 MEETING" in
// s: the subject before the verb (pre), the meeting's name (np) and the
// byte offset of np. It looks only at the verbs' surroundings.
func zhConveneAt(s string) (pre, np string, at int, ok bool) {
	from := 0
	for k := 0; k < 8; k++ {
		p, w := -1, 0
		for _, v := range zhConveneVerbs {
			if i := strings.Index(s[from:], v); i >= 0 && (p < 0 || from+i < p) {
				p, w = from+i, len(v)
			}
		}
		if p < 0 {
			return "", "", 0, false
		}
		from = p + w
		if strings.HasSuffix(s[:p], "主持") {
			p -= len("主持")
		}
		m := zhNPAfter.FindStringSubmatchIndex(s[p:min(len(s), p+180)])
		if m == nil || futureBefore(s[:p]) {
			continue
		}
		np = s[p+m[2] : p+m[3]]
		// The subject: back to the clause boundary, without 就…, 在…, 于, the time.
		end := p
		sent := tailRunes(s[:p], 120)
		if i := strings.LastIndexAny(sent, "。；！？"); i >= 0 {
			sent = sent[i:]
		}
		if i := strings.LastIndex(sent, "就"); i > 0 {
			end = p - (len(sent) - i) // 就“十三五”时期…进行: the subject stands before 就
		}
		st := end
		for st > 0 && p-st < 360 {
			r, rw := utf8.DecodeLastRuneInString(s[:st])
			if strings.ContainsRune("，。；：、“”（）,;:", r) || unicode.IsSpace(r) {
				break
			}
			st -= rw
		}
		pre = s[st:end]
		if i := strings.LastIndex(pre, "在"); i > 0 {
			pre = pre[:i]
		}
		for i := 0; i < 2; i++ {
			if loc := zhTimeTail.FindStringIndex(pre); loc != nil && loc[0] > 0 {
				pre = pre[:loc[0]]
			}
		}
		pre = strings.TrimSuffix(pre, "于")
		return pre, np, p + m[2], true
	}
	return "", "", 0, false
}

// findNear is re.FindStringSubmatchIndex(s) for patterns that hold one of
// verbs: it runs re over a window of s around each occurrence (before and
// after bytes, at most eight), so that a long paragraph costs little.
func findNear(re *regexp.Regexp, s string, verbs []string, before, after int) []int {
	from := 0
	for k := 0; k < 8; k++ {
		p, w := -1, 0
		for _, v := range verbs {
			if i := strings.Index(s[from:], v); i >= 0 && (p < 0 || from+i < p) {
				p, w = from+i, len(v)
			}
		}
		if p < 0 {
			return nil
		}
		lo, hi := max(0, p-before), min(len(s), p+w+after)
		for lo > 0 && !utf8.RuneStart(s[lo]) {
			lo--
		}
		for hi < len(s) && !utf8.RuneStart(s[hi]) {
			hi++
		}
		if loc := re.FindStringSubmatchIndex(s[lo:hi]); loc != nil {
			for j := range loc {
				if loc[j] >= 0 {
					loc[j] += lo
				}
			}
			return loc
		}
		from = p + w
	}
	return nil
}

// mayBeMeeting is a cheap test that rules out most documents: no word of
// holding, presiding or speaking in the title and the lead.
func mayBeMeeting(title string, lead, paras []string) bool {
	heads := append([]string{title}, lead...)
	if len(paras) > 0 && len(lead) == 0 {
		heads = append(heads, paras[0])
	}
	for _, h := range heads {
		if !strings.ContainsAny(h, "召举进主讲开闭集") {
			continue
		}
		for _, v := range []string{"召开", "举行", "主持", "讲话", "开幕", "闭幕", "闭会", "集会"} {
			if strings.Contains(h, v) {
				return true
			}
		}
		if strings.Contains(h, "进行") && strings.Contains(h, "学习") {
			return true // 就…进行第八次集体学习
		}
	}
	return false
}

// ceremonyAfter: 举行宪法宣誓仪式 — what is held is a ceremony.
func ceremonyAfter(rest string) bool {
	s := headRunes(rest, 12)
	if i := strings.IndexAny(s, "，。；"); i >= 0 {
		s = s[:i]
	}
	return strings.Contains(s, "仪式")
}

// zhHeldDate resolves the day the meeting was held: written before the
// verb of the convening sentence (the first day of 25日至26日); 今天
// means the dateline's day (…12月4日讯), else the publication date.
func zhHeldDate(sent, before string, lead []string, raw0, pub string) string {
	if sent == "" && len(lead) > 0 {
		sent, before = lead[0], lead[0]
	}
	if strings.Contains(before, "今天") || strings.Contains(before, "今日") {
		if m := zhDateline.FindStringSubmatch(raw0); m != nil {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			dd, _ := strconv.Atoi(m[3])
			if r := resolve(pub, y, mo, dd); r != "" {
				return r
			}
		}
		return pub
	}
	if r := zhFirstDate(before, pub); r != "" {
		return r
	}
	return zhFirstDate(sent, pub)
}

// zhFirstDate returns the first day written in s that is not a dateline.
func zhFirstDate(s, pub string) string {
	for _, m := range zhDateRE.FindAllStringSubmatchIndex(s, 20) {
		rest := s[m[1]:]
		if strings.HasPrefix(rest, "讯") || strings.HasPrefix(rest, "电") {
			continue
		}
		y, _ := strconv.Atoi(sub(s, m, 1))
		mo, _ := strconv.Atoi(sub(s, m, 2))
		dd, _ := strconv.Atoi(sub(s, m, 3))
		if r := resolve(pub, y, mo, dd); r != "" {
			return r
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// trimSubject keeps the subject of a clause: the text after the last time
// word or preposition (上午，省委常委会 → 省委常委会).
func trimSubject(s string) string {
	for _, sep := range []string{"上午", "下午", "晚上", "日", "，", " ", "　", "：", "（", "）"} {
		if i := strings.LastIndex(s, sep); i >= 0 {
			s = s[i+len(sep):]
		}
	}
	return strings.TrimSpace(s)
}

// sentenceAround returns the sentence of s (ended by 。；) containing byte i.
func sentenceAround(s string, i int) string {
	start := 0
	for _, sep := range []string{"。", "；"} {
		if j := strings.LastIndex(s[:i], sep); j >= 0 && j+len(sep) > start {
			start = j + len(sep)
		}
	}
	end := len(s)
	if j := strings.IndexAny(s[i:], "。；"); j >= 0 {
		end = i + j
	}
	return s[start:end]
}

var zhStudyVerbs = []string{"分析研究", "传达学习", "学习贯彻", "学习传达", "传达", "研究部署", "研究", "审议", "听取", "学习", "部署"}

// zhStudied lists the clauses of the convening sentence that say what was
// conveyed, studied, heard or considered.
func zhStudied(sent string) []string {
	var out []string
	for _, cl := range strings.FieldsFunc(sent, func(r rune) bool { return r == '，' || r == '；' }) {
		for _, v := range zhStudyVerbs {
			if strings.HasPrefix(cl, v) {
				out = addUnique(out, cut(cl, 120))
				break
			}
		}
		if len(out) == maxStudied {
			break
		}
	}
	return out
}

// zhPresiders finds the persons said to preside in s: TITLE NAME主持会议,
// 会议由TITLE NAME主持, NAME主持并讲话 (titles), TITLE NAME主持召开 (only
// in the convening sentence).
func zhPresiders(s string, convening bool) []string {
	var out []string
	for i, k := 0, 0; k < 50; k++ {
		j := strings.Index(s[i:], "主持")
		if j < 0 {
			break
		}
		at := i + j
		i = at + len("主持")
		rest := s[i:]
		if strings.HasPrefix(rest, "人") || strings.HasPrefix(rest, "词") {
			continue
		}
		if strings.HasPrefix(rest, "召开") && !convening {
			continue
		}
		// 会议由…主持 / NAME主持
		pre := tailRunes(s[:at], 80)
		if k := strings.LastIndex(pre, "由"); k >= 0 && at-k <= 60 && !strings.ContainsAny(pre[k:], "，。；,;") {
			pre = pre[k+len("由"):]
		}
		ns := namesBefore(pre)
		if len(ns) == 0 && strings.HasPrefix(rest, "召开") {
			// TITLE NAME 深入…调研并主持召开: the subject of the clause.
			if n := clauseSubject(pre); n != "" {
				ns = []string{n}
			}
		}
		for _, n := range ns {
			out = addUnique(out, n)
		}
	}
	return out
}

// zhPresiderSentence: a sentence of its own that says who presided
// (陈希主持会议。张庆黎、刘奇葆分别主持两次全体会议。).
var zhPresiderSentence = regexp.MustCompile(`(?:^|[。；])([^。；，,]{2,40}?)(?:分别)?主持(?:了)?(?:[^，。；]{0,6})?(?:会议|座谈会|大会|学习会|报告会|全体会议)[。，；]`)

// zhPresiderSentences finds the presiders named by such sentences in p.
func zhPresiderSentences(p string) []string {
	if !strings.Contains(p, "主持") {
		return nil
	}
	var out []string
	for _, m := range zhPresiderSentence.FindAllStringSubmatch(p, 4) {
		for _, n := range namesBefore(m[1]) {
			out = addUnique(out, n)
		}
	}
	return out
}

// clauseSubject returns the person a clause starts with: TITLE NAME or
// NAME at its start (after a time).
func clauseSubject(pre string) string {
	st := 0
	for _, sep := range []string{"，", "。", "；", "：", ",", ";", " ", "　"} {
		if i := strings.LastIndex(pre, sep); i >= 0 && i+len(sep) > st {
			st = i + len(sep)
		}
	}
	c := tailRunes(pre[st:], 60)
	ps := zhPeople(c)
	if len(ps) > 0 && strings.Index(c, ps[0].Name) < 30 {
		return ps[0].Name
	}
	return nameAt(c)
}

// zhSpeakers finds NAME讲话 / NAME出席并讲话 / NAME作…讲话 / NAME发表讲话.
func zhSpeakers(s string) []string {
	var out []string
	for _, v := range []string{"出席会议并讲话", "出席并讲话", "作重要讲话", "发表重要讲话", "讲话"} {
		for i, k := 0, 0; k < 50; k++ {
			j := strings.Index(s[i:], v)
			if j < 0 {
				break
			}
			at := i + j
			i = at + len(v)
			pre := tailRunes(s[:at], 80)
			if strings.HasSuffix(pre, "主持会议并") || strings.HasSuffix(pre, "主持并") || strings.HasSuffix(pre, "的") || strings.HasSuffix(pre, "重要") {
				continue
			}
			pre = strings.TrimSuffix(strings.TrimSuffix(pre, "在会上"), "并")
			for _, n := range namesBefore(pre) {
				out = addUnique(out, n)
			}
		}
	}
	return out
}

// namesBefore reads the name (or names joined by 、 和) that ends s,
// after a title or a clause boundary: 省委书记王东峰 → 王东峰;
// 习近平总书记 → 习近平; 王东峰同志 → 王东峰.
func namesBefore(s string) []string {
	s = strings.TrimRight(tailRunes(s, 60), " 　")
	s = strings.TrimSuffix(s, "在")
	for i := 0; i < 2; i++ {
		if loc := zhTimeTail.FindStringIndex(s); loc != nil && loc[0] > 0 {
			s = s[:loc[0]]
		}
	}
	s = strings.TrimSuffix(s, "于")
	s = strings.TrimSuffix(s, "同志")
	s = strings.TrimSuffix(s, "共同")
	s = strings.TrimSuffix(s, "分别")
	if strings.HasSuffix(s, "总书记") {
		if n := nameEnding(strings.TrimSuffix(s, "总书记")); n != "" {
			return []string{n}
		}
	}
	var out []string
	for len(out) < 4 {
		n := nameEnding(s)
		if n == "" {
			break
		}
		out = append([]string{n}, out...)
		s = s[:len(s)-len(n)]
		if strings.HasSuffix(s, "、") {
			s = strings.TrimSuffix(s, "、")
		} else if strings.HasSuffix(s, "和") {
			s = strings.TrimSuffix(s, "和")
		} else {
			break
		}
	}
	return out
}

// nameEnding returns the personal name (2–4 Han characters, or a
// transliterated name with ·) that ends s, when what precedes it is a
// title, a boundary or the start of s.
func nameEnding(s string) string {
	rs := []rune(tailRunes(s, 40))
	n := len(rs)
	// Transliterated: 沙尔合提·阿汗
	if k := lastIndexRune(rs, '·'); k > 0 && n-k <= 8 {
		st := k
		for st > 0 && unicode.Is(unicode.Han, rs[st-1]) && k-st < 6 && !isBoundaryRune(rs[st-1]) {
			st--
		}
		if k-st >= 2 && n-k-1 >= 1 && (st == 0 || isBoundaryRune(rs[st-1]) || titleEndsAt(rs[:st])) {
			return string(rs[st:])
		}
	}
	for _, l := range []int{3, 2, 4} {
		if n < l {
			continue
		}
		cand := rs[n-l:]
		if !allHan(cand) || !isSurnameStart(cand) {
			continue
		}
		before := rs[:n-l]
		if len(before) == 0 || isBoundaryRune(before[len(before)-1]) || titleEndsAt(before) {
			return string(cand)
		}
	}
	return ""
}

func lastIndexRune(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}

func allHan(rs []rune) bool {
	for _, r := range rs {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// isBoundaryRune: punctuation, space, or a preposition/time word that may
// stand before a name.
func isBoundaryRune(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || strings.ContainsRune("　由和与及、，。；：“”（）《》", r)
}

// titleEndsAt tells whether rs ends with an official title.
func titleEndsAt(rs []rune) bool {
	s := string(rs)
	for _, t := range zhTitleSuffixes {
		if strings.HasSuffix(s, t) {
			return true
		}
	}
	return false
}

func isSurnameStart(rs []rune) bool {
	if len(rs) >= 3 && strings.Contains(zhCompoundSurnames, string(rs[:2])) {
		return true
	}
	return strings.ContainsRune(zhSurnames, rs[0])
}

// zhTitleSuffixes end an official title; longer ones first.
var zhTitleSuffixes = []string{
	"总书记", "副书记", "书记", "副主席", "主席", "副总理", "总理", "委员长", "副委员长", "国务委员", "常委", "委员",
	"副省长", "省长", "副市长", "市长", "副主任", "主任", "秘书长", "副部长", "部长", "副院长", "院长", "检察长",
	"副局长", "局长", "副厅长", "厅长", "区长", "县长", "州长", "盟长", "政委", "司令员", "参谋长", "组长",
	"校长", "董事长", "总经理", "会长", "理事长", "主委", "发言人", "大使", "总裁", "首席执行官", "行长", "署长", "总监", "专员", "特首", "行政长官", "司长", "顾问",
}

// zhSuffixByLast indexes zhTitleSuffixes by their last character, longest
// first.
var zhSuffixByLast = func() map[rune][]string {
	m := map[rune][]string{}
	for _, t := range zhTitleSuffixes {
		r, _ := utf8.DecodeLastRuneInString(t)
		m[r] = append(m[r], t)
	}
	for _, l := range m {
		sort.Slice(l, func(i, j int) bool { return len(l[i]) > len(l[j]) })
	}
	return m
}()

// zhSuffixLast marks the characters that end a title word.
var zhSuffixLast = func() *[0x10000]bool {
	var b [0x10000]bool
	for r := range zhSuffixByLast {
		if r < 0x10000 {
			b[r] = true
		}
	}
	return &b
}()

// zhSurnames are common single-character surnames (a little dictionary
// knowledge: a name after a title starts with one of these).
const zhSurnames = "布王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝鹿谌楼鄂栗楚信铁储智郁娄习达图惠逯扎"

const zhCompoundSurnames = "欧阳 司马 上官 诸葛 东方 令狐 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯"

// zhNameStopWords may follow a name; punctuation, spaces and digits too.
var zhNameStopWords = []string{"主持", "出席", "在", "强调", "指出", "表示", "讲话", "同志", "和", "与", "及", "等", "参加", "会见", "会晤", "说", "一行", "到", "赴", "来", "分别", "也", "为", "向", "对", "就", "代表", "作", "带领", "率", "先后", "深入", "前往", "宣读", "通报", "传达", "的", "同", "专门", "围绕", "还", "要求", "接受", "签署", "致", "发表", "听取", "视察", "考察", "调研", "看望", "慰问", "批示", "主讲", "列席", "当选", "发言", "介绍", "回答", "应邀", "共同", "一起", "陪同", "会谈", "通话", "亲切", "首先", "充分", "高度", "希望", "宣布", "颁发", "颁奖", "致辞", "带队", "以", "从", "将", "已", "于", "是", "则", "又", "都", "并", "出", "主", "座谈", "拜会", "见证", "参观", "宣讲", "一同", "专程", "今天", "近日", "日前", "率团", "观看", "通电话", "向", "、", "，", "。", "；", "：", "（", "）", "“", "”", "》"}

var zhNameStopIndex = func() map[rune][]string {
	m := map[rune][]string{}
	for _, w := range zhNameStopWords {
		r, _ := utf8.DecodeRuneInString(w)
		m[r] = append(m[r], w)
	}
	return m
}()

// nameStopAt tells whether s starts with what may follow a name.
func nameStopAt(s string) bool {
	if s == "" || zhVerbs[headRunes(s, 2)] {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	if unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsDigit(r) || unicode.IsSymbol(r) {
		return true
	}
	for _, w := range zhNameStopIndex[r] {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// zhVerbs are two-character verbs that often follow a two-character
// name (刘奇提出要求: the name is 刘奇).
var zhVerbs = map[string]bool{"提出": true, "出席": true, "主持": true, "指出": true, "强调": true, "表示": true, "要求": true, "讲话": true, "会见": true, "看望": true, "参加": true, "调研": true, "考察": true, "视察": true, "听取": true, "作出": true, "致辞": true, "发表": true, "宣布": true, "签署": true, "带队": true, "率团": true, "介绍": true, "部署": true, "批示": true, "希望": true, "代表": true, "宣读": true, "见证": true, "拜会": true, "座谈": true, "陪同": true, "前往": true, "深入": true}

// zhFunctionThird: a third character that is rather the next word.
const zhFunctionThird = "在和与及等说到的是对向为就也将已于则又都同并"

// nameAt reads a personal name at the start of s: 2–3 Han characters (a
// compound surname allows 4) followed by a word that may follow a name.
func nameAt(s string) string {
	rs := []rune(headRunes(s, 6))
	if len(rs) < 2 || !allHan(rs[:2]) || !isSurnameStart(rs) || zhNotNames[string(rs[:2])] {
		return ""
	}
	try := []int{3, 2}
	if len(rs) >= 3 && strings.ContainsRune(zhFunctionThird, rs[2]) || len(rs) >= 4 && zhVerbs[string(rs[2:4])] {
		try = []int{2, 3}
	}
	if strings.Contains(zhCompoundSurnames, string(rs[:2])) {
		try = []int{4, 3}
	}
	for _, l := range try {
		if len(rs) < l || !allHan(rs[:l]) {
			continue
		}
		rest := s[len(string(rs[:l])):]
		if nameStopAt(rest) && !zhNotNames[string(rs[:l])] && !titleEndsAt(rs[:l]) {
			return string(rs[:l])
		}
	}
	return ""
}

// zhTitleStop ends a title when reading backwards from its last word.
var zhTitleStop = []string{"成立", "以", "用", "维护", "拥护", "接受", "发表", "坚决", "继", "旬", "把", "拜会", "见证", "会见", "会晤", "看望", "陪同", "听取", "主持", "出席", "参加", "邀请", "接见", "慰问", "致电", "致信", "担任", "任命", "免去", "会议", "记者", "上午", "下午", "晚上", "强调", "指出", "表示", "宣布", "带领", "希望", "同志", "通报", "宣读", "作为", "感谢", "欢迎", "祝贺",
	"由", "在", "和", "与", "及", "同", "是", "向", "讯", "了", "的", "给", "等", "并", "率", "到", "赴", "说", "讲", "将"}

// zhPeople finds TITLE NAME (省委书记王东峰; 中共中央总书记、国家主席、中央军委
// 主席习近平: three titles) and NAME总书记.
func zhPeople(text string) []Person {
	var out []Person
	seen := map[Person]bool{}
	add := func(p Person) {
		if !seen[p] && len(out) < maxPeople {
			seen[p] = true
			out = append(out, p)
		}
	}
	// One pass: at each character that ends a title word, the longest
	// title word ending there, then a name right after it.
	for i, c := range text {
		if c >= 0x10000 || !zhSuffixLast[c] {
			continue
		}
		list := zhSuffixByLast[c]
		end := i + utf8.RuneLen(c)
		found := false
		for _, t := range list {
			if strings.HasSuffix(text[:end], t) {
				found = true
				break
			}
		}
		if !found {
			continue
		}
		rest := strings.TrimLeft(text[end:], " 　")
		if r, _ := utf8.DecodeRuneInString(rest); !strings.ContainsRune(zhSurnames, r) && !strings.ContainsRune(zhCompoundSurnames, r) {
			continue
		}
		name := nameAt(rest)
		if name == "" {
			continue
		}
		titles := titlesBefore(text, end)
		for _, t := range titles {
			add(Person{Name: name, Title: t})
		}
		// One title before a list of names: 副主任赵素萍、李文慧、马懿
		rest = rest[len(name):]
		for k := 0; k < 20 && len(titles) > 0; k++ {
			if !strings.HasPrefix(rest, "、") {
				break
			}
			n := nameAt(rest[len("、"):])
			if n == "" {
				break
			}
			for _, t := range titles {
				add(Person{Name: n, Title: t})
			}
			rest = rest[len("、")+len(n):]
		}
	}
	// NAME总书记, NAME总理, NAME主席
	for _, t := range []string{"总书记", "总理", "委员长", "主席"} {
		for i := 0; ; {
			j := strings.Index(text[i:], t)
			if j < 0 {
				break
			}
			at := i + j
			i = at + len(t)
			if r, _ := utf8.DecodeRuneInString(text[i:]); t != "总书记" && strings.ContainsRune("府衙办", r) {
				continue // 总理府
			}
			if n := nameEnding3(text[:at]); n != "" && !zhNotNames[n] && (t == "总书记" || zhBeforeName(text[:at-len(n)])) {
				add(Person{Name: n, Title: t})
			}
		}
	}
	return out
}

// zhBeforeName tells whether s may end right before a name that a title
// follows (…学习习近平主席…, 同李克强总理): a boundary or a verb.
func zhBeforeName(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	if s == "" || !unicode.Is(unicode.Han, r) {
		return true
	}
	for _, w := range []string{"学习", "贯彻", "落实", "按照", "根据", "转达", "感谢", "会见", "会晤", "同", "向", "和", "与", "对", "是", "的", "在", "请", "代表", "及", "由", "致", "给", "并", "等", "应", "邀请"} {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

// zhNotNames are words that start with a surname character and often
// follow a title (总书记关于…).
var zhNotNames = map[string]bool{"关于": true, "关于党": true, "高度": true, "全面": true, "明确": true, "严格": true, "亲自": true, "曾经": true, "向全": true, "和全": true, "在全": true, "于今": true, "亲切": true, "高兴": true, "应邀": true, "应约": true, "任期": true}

// nameEnding3 reads a name of three characters (else two) that ends s,
// for the title that follows a name (习近平总书记).
func nameEnding3(s string) string {
	rs := []rune(tailRunes(s, 4))
	for _, l := range []int{3, 2} {
		if len(rs) < l {
			continue
		}
		c := rs[len(rs)-l:]
		if allHan(c) && isSurnameStart(c) && !strings.ContainsRune("委省市中央国党部院会副联局司处办厅所组社团协", c[len(c)-1]) && !titleEndsAt(c) {
			return string(c)
		}
	}
	return ""
}

// titlesBefore returns the titles that end at text[:end] (the last one
// ends with a title word), reading back over titles joined by 、.
func titlesBefore(text string, end int) []string {
	var out []string
	for len(out) < 6 {
		t := titleEnding(text[:end])
		if t == "" {
			break
		}
		out = append([]string{t}, out...)
		st := end - len(t)
		if !strings.HasSuffix(text[:st], "、") {
			break
		}
		end = st - len("、")
		if !titleEndsAt([]rune(tailRunes(text[:end], 8))) {
			break
		}
	}
	return out
}

// headRunes returns the first n runes of s.
func headRunes(s string, n int) string {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return s[:i]
}

// tailRunes returns the last n runes of s.
func tailRunes(s string, n int) string {
	i := len(s)
	for k := 0; k < n && i > 0; k++ {
		_, w := utf8.DecodeLastRuneInString(s[:i])
		i -= w
	}
	return s[i:]
}

// zhTitleStopByLast indexes zhTitleStop by last character.
var zhTitleStopByLast = func() map[rune][]string {
	m := map[rune][]string{}
	for _, w := range zhTitleStop {
		r, _ := utf8.DecodeLastRuneInString(w)
		m[r] = append(m[r], w)
	}
	return m
}()

// titleEnding reads the title that ends s: back over Han characters to a
// boundary or a stop word, at most 24 characters.
func titleEnding(s string) string {
	s = tailRunes(s, 30)
	st, n := len(s), 0
	for st > 0 {
		r, w := utf8.DecodeLastRuneInString(s[:st])
		if !unicode.Is(unicode.Han, r) && !unicode.IsDigit(r) {
			break
		}
		stop := false
		for _, sw := range zhTitleStopByLast[r] {
			if strings.HasSuffix(s[:st], sw) {
				// 共和国, 文化和旅游部, 党的建设: a joining word inside a name.
				in := s[st:]
				stop = !(sw == "和" && strings.HasPrefix(in, "国") || (sw == "和" || sw == "与") && strings.Contains(in, "部") ||
					sw == "的" && strings.HasSuffix(s[:st-w], "党"))
				break
			}
		}
		if stop {
			break
		}
		st -= w
		n++
	}
	t := s[st:]
	if n < 2 || n > 24 || !titleEndsAt([]rune(t)) {
		return ""
	}
	return t
}
