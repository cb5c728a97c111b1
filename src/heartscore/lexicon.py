"""Cue phrases per signal and negation triggers: plain data traced to ../shared/LABELS.md.

No logic lives here beyond expanding the small pattern notation into exact token
sequences (see :func:`expand_pattern`). Components only match these entries; the classifier
learns how far to trust each signal's cues.

Pattern notation (one string per pattern, tokens separated by spaces, matched on ``LOWER``):

- ``word`` matches the lowercase token; ``a|b|c`` matches any of them;
- a leading ``?`` makes the token optional (``?really listened``);
- ``#`` matches a number token (``2``, ``45``, ``$80``);
- ``~unit`` matches a number glued to a unit (``2hrs``, ``45min``, ``3days``);
- macros: ``NT`` (not, n't, nt), ``ME`` (me, us), ``MY`` (my, our), ``THEY`` (a service
  subject), ``ANY`` (an optional filler such as "ever", "even", "has").

Patterns are expanded into exact token sequences (:func:`expand_pattern`) and matched over a
batch's token arrays by :class:`heartscore.components.CueMatcher` (hashed windows, every hit
verified); the component keys numbers as ``#`` and number+unit as ``~unit``.

A cue that contains its own negation ("no one called", "never pushed") is matched as a whole;
a cue preceded by a negation *outside* it ("nobody **ignored** us") is reported as negated.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Cue", "CUES", "NEGATION_TRIGGERS", "SCOPE_BREAKERS", "NEGATION_WINDOW",
           "expand_pattern", "MACROS"]

#: Tokens that open a negation scope (lowercase). "no one" is covered by "no".
NEGATION_TRIGGERS: frozenset[str] = frozenset({
    "not", "n't", "n’t", "nt", "never", "no", "nobody", "noone", "none", "nothing", "neither",
    "nor", "without", "w/o", "cannot", "hardly", "barely", "nowhere", "zero", "nope", "nah",
    "lack", "lacked", "lacking", "neva", "aint", "ain't", "dont", "didnt", "wasnt", "isnt",
    "wont", "cant", "couldnt", "doesnt", "havent", "hasnt", "werent", "arent", "shouldnt",
})
#: Tokens that close a negation scope: clause punctuation and contrastive conjunctions.
SCOPE_BREAKERS: frozenset[str] = frozenset({
    ".", ",", ";", ":", "!", "?", "…", "but", "however", "although", "though", "yet",
    "whereas", "except", "and", "so", "because", "then", "-", "—", "(", ")",
})
#: Maximum number of tokens a negation reaches (VADER looks three back; clauses run longer).
NEGATION_WINDOW = 5

MACROS: dict[str, str] = {
    "NT": "n't|n’t|nt|not",
    "ME": "me|us",
    "MY": "my|our",
    "THEY": "they|he|she|staff|agent|agents|everyone|everybody|team|driver|crew|doctor|"
            "nurse|mechanic|manager|waiter|waitress|server|rep|tech|technician|you",
    "ANY": "?ever|even|has|had|have|actually|really|once|bothered|at|all|else|from",
}


@dataclass(frozen=True)
class Cue:
    """One cue entry: which signal, which sign (+1 met / -1 violated), its patterns and why."""

    signal: str
    sign: int
    patterns: tuple[str, ...]
    note: str


def _c(signal: str, sign: int, note: str, *patterns: str) -> Cue:
    return Cue(signal, sign, tuple(patterns), note)


CUES: tuple[Cue, ...] = (
    # ------------------------------------------------------------------ trust +1
    _c("trust", 1, "trust +1: did what they said they would; promises kept",
       "kept|keeps|keep|keeping THEY|their|his|her|its|the|MY ?own promise|promises|word",
       "did|does|do|delivered ?exactly ?just what THEY|it said|promised|quoted|advertised",
       "as promised|quoted|agreed|advertised|described",
       "true|good to their|his|her|its word", "followed through|thru",
       "lived|lives|live up to", "delivered on ?their|its|every promise|promises",
       "as good as their|his|her|its word",
       "man|woman|men|people|company|business of their|his|her|its word",
       "kept|keeps|keep there|thier word|promise|promises",
       "showed|turned up|round ?exactly|right|just when|as THEY said|promised",
       "ready|done|finished|arrived|delivered|there ?exactly|right|just when THEY said|promised",
       "ready|done|finished|arrived|delivered ?exactly|right|just when promised"),
    _c("trust", 1, "trust +1: dependable, 'never lets me down', 'always on time'",
       "never let|lets|letting|fails|failed ME ?down", "never disappoints|disappointed|fails",
       "always|consistently|reliably on time|schedule", "always|consistently|reliably|so "
       "punctual|reliable|consistent|dependable",
       "reliable|dependable|trustworthy|punctual", "on time|schedule", "ahead of schedule|time",
       "arrived|delivered|landed|came ?a|one|two ?day|days early",
       "can|could ?always count|rely|depend on", "count|rely|depend on THEY|them|it",
       "like clockwork", "always|consistently|reliably come|comes|came through for",
       "never missed|misses|miss a|one|single ?single delivery|collection|pickup|deadline|beat",
       "never had|got a|one|single ?single bad|poor|wrong experience|meal|stay|delivery|visit|"
       "haircut|order"),
    _c("trust", 1, "trust +1: honest, transparent prices, no hidden fees",
       "honest|honesty|transparent|transparency|upfront|up-front|straightforward|straight-forward",
       "no|zero hidden fees|charges|costs|extras|surprises", "no surprises",
       "fair|reasonable|honest price|prices|pricing|quote|quotes|estimate",
       "explained|itemized|itemised|justified every|each|all ?the charge|charges|cost|costs|fee|"
       "fees|line|item",
       "broke down the|every|each|all ?the cost|costs|charges|price|bill|quote",
       "exactly|just what ?they|he|she|was quoted", "price|cost matched the quote|estimate",
       "charged|billed ME exactly|only|just what ?was|they|he|she|we|it ?was quoted|agreed|"
       "estimated|promised",
       "charged|billed ME less than ?the|was|they|he|she|we ?quoted|quote|estimate|agreed|"
       "estimated",
       "came|coming|finished|done ?in under|below|within|on ?the quote|estimate|budget",
       "did|does|would NT ?even ?try ?to overcharge|con|cheat|scam|rip ME|you|anyone",
       "never ?once ?tried ?to overcharged|overcharge|conned|con|cheated|cheat|scammed|scam|"
       "ripped|rip ME|you|anyone|customers",
       "told|tells ME ?the truth|straight|honestly", "no|zero|without ?any gimmicks|strings"),
    _c("trust", 1, "trust +1: fixed it right the first time",
       "fixed|solved|sorted|resolved ?it|everything ?right ?on the|in|on first|one time|call|"
       "visit|go|try|attempt",
       "right|first the first time", "first time fix", "one call resolution",
       "refund|refunded|refunds|reimbursed ?was|came|arrived|processed ?so promptly|quickly|fast|"
       "straight|immediately|within",
       "fixed|solved|sorted|resolved|repaired|diagnosed ?it|everything first|1st time|go|try|"
       "attempt|visit",
       "right first|1st time",
       "sorted|fixed|solved|resolved ?it|everything|things ?out in|within ?no time|minutes|"
       "seconds|moments"),
    _c("trust", 1, "trust +1: knowledgeable, competent staff",
       "knowledgeable|competent|expert|experienced|skilled|professional|professionals|thorough|"
       "meticulous|efficient",
       "knew|knows|know what THEY|they|he|she were|was|are|is doing|talking",
       "knew|knows|know their|his|her stuff", "real|true pro|pros|professionals|experts",
       "THEY knew|figured|diagnosed|spotted|found ?out ?exactly|immediately|instantly|quickly "
       "what was|is|'s wrong",
       "knew|knows|know their|his|her job|trade|craft|products|product|menu|wines ?inside out|"
       "well|backwards",
       "knowledgable|knowlegable|knowledgeble|proffesional|profesional|proffessional|professinal|"
       "competant"),
    _c("trust", 1, "trust +1: 'I'll be back because I know what I get'; trust them",
       "know|knew what i|we|you 'll|will|am|are|'m ?going ?to get|getting",
       "know|knew what to expect",
       "trust|trusted|trusts them|you|this|their|him|her",
       "never had ?a|any problem|problems|issue|issues", "no|zero problems|issues with"),
    # ------------------------------------------------------------------ trust -1
    _c("trust", -1, "trust -1: broken promises",
       "broke|broken|break|breaking ?their|his|her|a|the|every promise|promises|word",
       "promised|guaranteed|assured|swore ME|it|we|i ?would|'d|will|to",
       "was|were promised|guaranteed|assured|told", "false promise|promises",
       "never|didnt|wont|wouldnt honor|honour|honored|honoured",
       "did|would|wo|will NT honor|honour", "refused|refuse|refuses to honor|honour",
       "empty|hollow promise|promises|guarantee|guarantees",
       "went|goes|go|going back on their|his|her|its|the word|promise|offer|deal|agreement"),
    _c("trust", -1, "trust -1: lies, misleading claims, bait-and-switch, scams",
       "lied|lie|lies|lying|liar|liars|lier",
       "misleading|misled|mislead|deceptive|deceived|dishonest|shady|dodgy|sketchy|"
       "untrustworthy|crooks|crooked|thieves",
       "bait and|& switch", "bait-and-switch", "false advertising|claims|information",
       "scam|scams|scammed|scammer|scammers|scammy|fraudulent|rip-off|ripoff|robbery|swindled",
       "rip|ripped|ripping ?me|us|people|customers off",
       "ca|can|wo|will|would|could NT trust|believe", "cant|cannot|wont|never trust|believe",
       "do|does|did NT trust", "dont|doesnt|didnt trust",
       "bunch|pack|band of cowboys|crooks|clowns|amateurs|thieves|liars|muppets|jokers",
       "fleeced|fleecing|conned|swindle|swindling|gouged|gouging|scamers|scamer|scamming|theives|"
       "thiefs|conmen|conman",
       "fake|bogus|phony|phoney reviews|discount|discounts|sale|deal|deals|tracking|guarantee|"
       "warranty",
       "NT|nothing|nowhere ?near ?like as|what ?was|they|it ?was described|advertised|pictured|"
       "shown|promised",
       "rip|ripped - off|offs", "nothing|just|only|more|endless ?but excuses|lies"),
    _c("trust", -1, "trust -1: hidden fees, overcharging",
       "hidden|surprise|mystery|junk|bogus fee|fees|charge|charges|costs",
       "overcharged|overcharging|overcharge|overbilled|double-charged",
       "double charged|billed", "charged ME|my ?card twice|double|extra|more|again",
       "billed ME twice|double|wrong",
       "charged|billed ME for something|things|services|items|stuff",
       "charged|billed twice|double|2x|thrice",
       "double ?- charge|charges|charging|charged|billing|billed",
       "quoted ?ME ?$|£|€ # and|but|then ?then charged|billed|wanted|demanded|invoiced",
       "higher|double|twice|triple|more than|what ?they|he|she|it|we ?were|was|had quoted|agreed|"
       "estimated",
       "different|higher|wrong price|prices|amount|total at|on the till|register|checkout|counter|"
       "pump",
       "buried|hidden|tucked|sneaked|snuck ?away in the small|fine print",
       "snuck|sneaked|slipped|sneaking|tacked|sneak|slipping ?on|in a|an|extra|some|random|"
       "unexpected ?extra fee|fees|charge|charges|surcharge"),
    _c("trust", -1, "trust -1: a real failure of what was promised (cancelled, delayed, lost, wrong)",
       "cancelled|canceled|cancellation|cancelation", "delayed|delay|delays", "late|overdue",
       "lost|misplaced|losing|lose MY|the|his|her ?checked bag|bags|luggage|suitcase|package|"
       "parcel|order|paperwork|file|claim|records|booking|reservation",
       "never|still|yet|NT arrived|came|come|showed|turned|delivered|received|shipped|processed",
       "no-show|noshow", "never|didnt|NT show|showed|turn|turned up",
       "wrong order|item|items|size|color|colour|food|address|info|information|part|diagnosis|"
       "prescription|dish|meal|bill|amount|date|room|car|package",
       "missing item|items|bag|parts|pieces|money|payment",
       "bumped|overbooked|double-booked", "double booked",
       "missed ?my|our|the appointment|connection|flight",
       "never|still|yet|NT recieved|recived|receieved|delivred|arived",
       "still no|waiting ?for|on ?my|the|a|our refund|money|order|delivery|package|parcel|"
       "replacement|engineer|technician|repair",
       "never|NT got|get|gotten MY|the|a|our refund|money|order|package|parcel|deposit|replacement",
       "no - show|shows", "a|another|complete|total no show",
       "?half|part ?of MY|the order|delivery|package|parcel|items was|were|is|are|came|arrived "
       "missing|incomplete|short"),
    _c("trust", -1, "trust -1: unreliability framed as a pattern ('third time this month')",
       "second|2nd|third|3rd|fourth|4th|fifth|5th|# time|times this|in|that week|month|year|row",
       "second|2nd|third|3rd|fourth|4th|fifth|5th|# time|times in a week|month|year|row",
       "yet|once again", "every single|damn time", "same problem|issue|thing ?all ?over again",
       "keeps|kept happening|breaking|failing|dropping", "again and again", "time after time",
       "always|constantly late|delayed|broken|down|wrong|cancelled|canceled",
       "kept|keeps|keep cancelling|canceling|postponing|rescheduling|delaying"),
    _c("trust", -1, "trust -1: incompetence (wrong information, botched repair)",
       "incompetent|incompetence|clueless|useless|amateurs|amateurish|inept|careless|sloppy|"
       "unprofessional|unreliable",
       "botched|bodged", "messed|screwed|fucked|stuffed ?it|everything|things up",
       "did|does|could|would|ca NT fix|solve|resolve|sort|repair",
       "didnt|never|couldnt fix|fixed|solve|solved|resolve|resolved|repair|repaired",
       "still NT fixed|working|resolved|sorted", "still broken",
       "gave|giving|told ME ?the wrong|incorrect|conflicting|false ?info|information|answer|"
       "answers|advice",
       "no idea what they|he|she were|was|are|is doing", "have|has|had no clue"),
    _c("trust", -1, "trust -1: 'never again', 'can't believe anything they say'",
       "never again", "neveragain", "never using|use|flying|fly|going|coming|ordering|booking "
       "them|this|here|back ?again",
       "wo|will|would NT be back|returning|recommending|using", "avoid", "stay|steer away|clear",
       "wo|would|will NT ?ever ?be go|going|come|coming|return|returning back|again",
       "'d|wo|would|will|do|does NT|never ?ever recommend|reccomend|recomend|reccommend them|"
       "anyone|to",
       "definitely|definately|deffo|defo|absolutely NT|never ?be going|coming|go|come|ordering|"
       "booking|staying|eating back|again|here|there",
       "definitely|definately|deffo|defo|absolutely NT|never ?be returning|recommending|return|"
       "recommend"),
    # ------------------------------------------------------------------ safety +1
    _c("safety", 1, "safety +1: felt safe, secure, protected, reassured",
       "felt|feel|feeling|feels ?so|very|completely|totally|really safe|secure|protected|reassured|"
       "relaxed|calm|comfortable",
       "safe|safely|secure|protected|safer", "reassured|reassuring|reassurance|reassure|reassures",
       "peace of mind", "put|puts|putting ME|my ?mind|nerves at ease|rest",
       "calmed|calm|calming|soothed ME|her|him ?down", "at ease", "nothing to worry about",
       "no|zero need to worry|panic",
       "in safe|good|great|capable|expert|excellent|caring hands", "in the best|safest hands",
       "felt|feel|feeling|feels ?so|very|really|well|totally|fully looked after",
       "felt|feel|feeling|feels ?so|very|really|well|totally|fully supported",
       "felt|feel|feeling ?so|very|really|well|totally|fully taken care of",
       "never ?once|ever felt|feel unsafe|threatened|scared|judged|rushed|pressured|hurried|"
       "intimidated|nervous|worried",
       "did|do|does NT ?once|ever feel|felt unsafe|threatened|scared|judged|rushed|pressured|"
       "hurried|intimidated",
       "eased|calmed|settled|soothed|allayed MY|her|his nerves|fears|worries|anxiety|concerns|mind",
       "reasured|reasuring|reassurring|reasurance|reassurence"),
    _c("safety", 1, "safety +1: taken care of when something went wrong; supported until solved",
       "took|take|taken|takes care of ME|everything|it|the",
       "looked|look|looks after ME|my", "stayed|stays|stay with ME",
       "stayed|stay on the phone|line", "walked|walks|talked ME through", "held|hold my hand",
       "supported|support|supporting ME through|throughout|the|all",
       "made|make sure i|we|my|ME ?was|were|got ok|okay|alright|safe|home|fine",
       "found|booked|got ME ?a hotel|room|taxi|ride|replacement|rental|seat",
       "sorted|arranged|organised|organized everything|a hotel|accommodation|transport",
       "kept|keeps|keeping ME|everyone|everybody|passengers|guests safe|calm|warm|comfortable|fed",
       "did|would|will|wo NT leave|abandon ME stranded|hanging",
       "never left|abandoned ME stranded|hanging",
       "escalated ?it|MY|the ?issue|case|complaint|problem and|then ?got ?it fixed|sorted|"
       "resolved|solved",
       "saw|seen it|this|everything|MY ?case|claim|problem|issue through to|until ?the end|"
       "completion|resolution",
       "took|taking|takes ?full ownership of MY|the|this problem|issue|issues|case|complaint|"
       "situation|it|everything|mistake"),
    _c("safety", 1, "safety +1: no pressure to buy",
       "no|zero|never ?any ?hard pressure|push|pushing|upsell|upselling|pitch",
       "never|not|wasnt|werent|didnt|without ?once|at ?all pushed|pushy|pressured|pressuring|"
       "pushing|rushed|rushing|upsold|hassled|salesy",
       "was|were|did|felt NT|never ?once|at ?all pushed|pushy|pressured|pressuring|pushing|rushed|"
       "rushing|upsold|hassled|salesy|push|rush|pressure|upsell",
       "no hard sell", "zero pressure", "let|lets ME take|took our|my time",
       "in no rush|hurry", "did NT try|attempt to sell|upsell|push", "didnt try to sell|upsell|push",
       "no|zero|never|without ?any ?hard|pushy sales|selling pitch|pressure|talk|tactics|push|"
       "tactic",
       "nobody|noone pushed|pressured|hassled|rushed|hurried ME",
       "no ?- one pushed|pressured|hassled|rushed|hurried ME",
       "never|not ?once made ME feel rushed|pressured|judged|uncomfortable|embarrassed"),
    _c("safety", 1, "safety +1: clean, secure surroundings",
       "spotless|immaculate|hygienic|sanitary|sanitised|sanitized|well-lit|pristine|sparkling",
       "very|super|so|really|extremely|impeccably clean", "clean and safe|secure|tidy",
       "secure parking|building|entrance|area", "well lit", "safe area|neighborhood|neighbourhood",
       "squeaky clean", "clean as a whistle",
       "spotlessly|immaculately|impeccably|beautifully clean|kept|maintained",
       "not a speck|spot|crumb of dust|dirt",
       "cleanliness|hygiene ?standards was|is|were|are ?absolutely impeccable|excellent|"
       "outstanding|superb|immaculate|spotless|exemplary",
       "gated|monitored|guarded parking|entrance|building|carpark|garage"),
    _c("safety", 1, "safety +1: money or data protected (fraud caught); gentle with fear",
       "caught|spotted|stopped|blocked|flagged ?the|a|it|some fraud|fraudulent|scam|suspicious",
       "fraud team|department|alert", "got|refunded my money back|returned",
       "gentle|patient with ME|my ?nervous|anxious|scared|fear|anxiety|kids|son|daughter"),
    # ------------------------------------------------------------------ safety -1
    _c("safety", -1, "safety -1: felt unsafe, threatened, anxious or scared",
       "felt|feel|feeling|feels ?so|very|really|totally|completely unsafe|threatened|scared|"
       "afraid|frightened|intimidated|uncomfortable|anxious|vulnerable|harassed|panicked|unwelcome",
       "unsafe|dangerous|hazard|hazardous|threatening|intimidating|terrifying|terrified|"
       "frightening|scary|scared|afraid|panic|panicking|anxious|anxiety|harassed|harassment",
       "panic attack", "fear|feared for my|our", "in tears", "shaking|trembling",
       "did|do|does|would NT|never feel|felt safe|secure",
       "NT|never|nowhere ?near ?very|remotely|particularly|exactly safe|secure|hygienic|sanitary|"
       "clean",
       "creepy|creep|creeped|leering|leered|stalked|stalking|predatory|groped|unnerving|uneasy|"
       "bullied|bullying|scaremongering|fearmongering",
       "inappropriate comments|comment|touching|behaviour|behavior|remarks|jokes|questions",
       "followed|following|watched|watching ME around|round the store|shop|aisles|supermarket|"
       "mall|showroom"),
    _c("safety", -1, "safety -1: aggressive or hostile staff",
       "aggressive|aggressively|hostile|hostility|violent|menacing|confrontational|belligerent",
       "yelled|yelling|yells|yell|screamed|screaming|shouted|shouting|swore|swearing|cursed|cussed",
       "threatened|threaten|threatening to", "got in my face",
       "grabbed|shoved|pushed ME|my", "kicked|threw|thrown ME ?out", "get out",
       "raised|raising|raises his|her|their voice|voices",
       "lost|losing|loses his|her|their temper|cool|rag",
       "verbally|physically abused|abusive|attacked|assaulted|threatened|aggressive",
       "verbal|physical abuse|assault|threats|aggression",
       "called|call|calling ?the security|police|cops on ME"),
    _c("safety", -1, "safety -1: hard selling and pressure",
       "pushy|pressured|pressuring|hassled|harassing|badgered|badgering",
       "hard sell|selling", "hard-sell", "upsell|upselling|upsold|up-sell|up-selling",
       "forced|forcing|force|pushed|pushing ME ?into|to|a", "guilt-tripped", "guilt tripped",
       "would NT take no", "kept pushing|pushed|calling|selling",
       "sales|scare|pressure|sleazy|slimy tactics|tactic|pitch|pitches|techniques",
       "kept|keeps|constantly|repeatedly trying|tried to sell|upsell|push ME",
       "would|wo NT let ME leave|cancel"),
    _c("safety", -1, "safety -1: left stranded or abandoned with a problem",
       "stranded|abandoned|marooned",
       "stuck|trapped|stranded at|in|on ?the|an airport|station|roadside|road|motorway|highway|"
       "gate|terminal|tarmac|plane|train|lift|elevator",
       "left|leaving ME|her|him alone|stranded|hanging|there",
       "no|without|zero ?any help|assistance|support|hotel|accommodation|food|vouchers|voucher",
       "nowhere to sleep|stay|go", "slept|sleep|sleeping on|in the floor|terminal|airport|"
       "station|car|bench",
       "fend for ourselves|myself|themselves",
       "left ME to sort|figure|deal|fend ?it ?out|with ?it ?all|everything myself|ourselves|alone",
       "nobody|noone ANY helped|assisted|offered", "no ?- one ANY helped|assisted|offered",
       "spent|spend|spending the night|nite at|in|on the|an airport|station|terminal|car|floor|"
       "gate|bench",
       "left|kept|stuck|stranded ?ME ?waiting|standing|outside ?outside in the cold|rain|snow|"
       "heat|freezing"),
    _c("safety", -1, "safety -1: dirty, unsanitary or hazardous places",
       "dirty|filthy|disgusting|unsanitary|unhygienic|grimy|mouldy|moldy|mold|mould|stained|"
       "stains|grime|vomit|urine|sewage",
       "cockroach|cockroaches|roach|roaches|bedbug|bedbugs|rats|rat|mice|mouse|maggots",
       "bed bugs", "smelled|smelt like|of", "stank|stunk|reeked",
       "exposed wires|wiring", "broken|no lock|locks", "door|window|lock would|did|does NT "
       "lock|close|shut", "food poisoning", "made ME|my sick|ill",
       "blood|stains|vomit|hair|hairs in|on|all ?over the|MY sheets|bed|pillow|pillows|towels|"
       "towel|carpet|floor|walls|seat|seats|food|plate",
       "musty|mildew|mildewy|soiled|unclean|squalid|squalor|infested|infestation|contaminated|"
       "grubby|grotty|manky|skanky",
       "NT|never ?been|being|even cleaned|hoovered|vacuumed|wiped|mopped|sanitized|sanitised|"
       "disinfected"),
    _c("safety", -1, "safety -1: money or personal data put at risk",
       "data breach|leak", "hacked|compromised|leaked|breached", "identity theft",
       "my|our ?personal data|details|information|info|account ?was|were|got leaked|shared|"
       "exposed|stolen|hacked",
       "account|accounts|card was|were|got emptied|drained|frozen|locked",
       "fraud|fraudulent charges|transactions|transaction|charge", "unauthorized|unauthorised",
       "sold|leaked|leaking|selling MY|customer|customers ?personal|private data|details|info|"
       "information|address|number|email",
       "without MY consent|permission|authorization|authorisation|authority|approval",
       "money|funds|savings ?was|were|has|had|got|have ?been|just stolen|disappeared|vanished|"
       "missing",
       "left|leaving our|the room|door|doors|gate|safe|locker unlocked"),
    # ------------------------------------------------------------------ seen +1
    _c("seen", 1, "seen +1: listened to; understood what was needed",
       "listened|listen|listens|listening ?carefully|properly|patiently to",
       "heard|hears ME|my|our ?out|concerns|concern", "actually|really|truly|genuinely "
       "listened|heard|understood",
       "understood|understands|understand|got ?exactly what i|we ?needed|wanted|meant|was|were",
       "understood|understands ME|my|our ?situation|problem|needs|concerns",
       "asked|asking|asks ?all ?the right|good|great|lots|smart|thoughtful ?of questions",
       "asked about|after MY|how", "took|takes the time to", "paid|pays attention",
       "made|makes eye contact", "noticed|spotted that|i|we|my|ME",
       "answered|answers all|every ?one ?of MY|the question|questions|queries|concerns",
       "took|takes|taking MY|the concerns|concern|complaint|complaints|feedback|problem|issue|"
       "worries seriously",
       "took|takes|taking it|ME seriously",
       "felt|feel|feeling|feels ?so|really|truly|genuinely|finally heard|understood|listened",
       "made|makes|make ME feel ?so|really|truly|finally heard|understood|listened|seen",
       "full|undivided attention",
       "listened|listens|listening|listend|listned|lisened patiently|carefully|attentively|"
       "intently|properly|closely",
       "THEY knew|knows ?exactly|just|instantly what i|we wanted|needed|meant|liked|like",
       "tailored|catered|adapted|customised|customized|personalised|personalized to|for|around MY "
       "needs|situation|requirements|preferences|budget|allergies|schedule"),
    _c("seen", 1, "seen +1: remembered a name, a preference, a history",
       "remembered|remembers|remember|recognized|recognised|recognizes|knew|knows MY|ME ?usual|"
       "name|names|order|preference|preferences|allergy|birthday|dog|daughter|son|kids|history|"
       "face|car|story",
       "by name|first name", "greeted|greets|greet ME by name",
       "personal|personalised|personalized|tailored|bespoke service|touch|attention|"
       "recommendations|recommendation|care|approach",
       "read|reviewed|studied MY ?previous|whole|full|medical notes|file|history|records|case|"
       "emails",
       "did|do|does NT have|need to repeat|explain ?myself|ourselves|anything|again",
       "never ?once|ever had|needed|have to repeat|explain ?myself|ourselves|anything|again",
       "no need to repeat ?myself|ourselves|anything|again",
       "remebered|rememberd|remembred|rembered|remembed ME|MY"),
    _c("seen", 1, "seen +1: attentive, responsive service; a reply that addresses the problem",
       "attentive|responsive", "prompt|quick|fast|speedy|instant response|reply|replies|"
       "responses|answer|answers",
       "replied|responded|answered|responds|replies within|quickly|promptly|immediately|fast|"
       "straight|right|same|in",
       "got|get back to ME within|quickly|promptly|fast|the|right|same|in",
       "called|rang|emailed|texted|messaged ME back",
       "checked|checks|checking in on|on ME|in", "followed|follows up|thru|through",
       "follow-up|followup", "follow up",
       "addressed|acknowledged|acknowledges|tackled MY|the ?actual|specific|exact ?issue|issues|"
       "problem|problems|concern|concerns|question|questions|complaint",
       "anticipated|anticipates|anticipating MY|every need|needs|wants|requests|wish|whim",
       "kept|keeps MY|the drinks|glasses|water|cups|coffee topped|filled|full|coming|flowing",
       "answered|picked ?up on|at|within ?the first|1st|second ring|rings",
       "swift|rapid|timely|immediate|lightning|lightening|superfast response|reply|replies|"
       "responses|answer|answers|turnaround|callback"),
    _c("seen", 1, "seen +1: kept informed, told clearly what was happening",
       "kept|keeps|keeping ME informed|updated|posted", "in the loop",
       "regular|constant|frequent|clear|proactive|timely updates|communication|announcements",
       "updates every", "explained|explains|explaining|told ME everything|exactly|clearly|what|"
       "why|how|step|each",
       "explained|explains|explaining everything|clearly|exactly|why|how|what|each|every",
       "let|lets ME know", "clear|great|excellent|good communication",
       "kept|keeps|keeping ME|everyone|everybody|passengers|customers|guests ?fully|well|"
       "regularly|constantly up ?- to ?- date",
       "updated|informed|notified ME|everyone|passengers|everybody every|regularly|constantly|"
       "promptly|immediately|straight|throughout|proactively|frequently",
       "kept|keep|keeps|keeping ME|everyone ?fully|well|constantly in the know|picture",
       "explained|explains|explaining|outlined|talked ?ME ?through ?the|all|MY options|process|"
       "next|situation|reason|delay|cause|procedure|plan|steps|diagnosis|treatment",
       "gave|giving ME ?a|an ?regular|clear|honest|realistic|frequent|constant|proper|full update|"
       "updates|timeline|eta|explanation",
       "gr8|grt|fab|brill|superb|fantastic|amazing|brilliant|top|constant|clear comms|"
       "communication"),
    # ------------------------------------------------------------------ seen -1
    _c("seen", -1, "seen -1: ignored, dismissed",
       "ignored|ignoring|ignore|ignores", "dismissed|dismissive",
       "brushed|brush|brushing ME|it ?off", "brushed off", "talked|talking|spoke over ME",
       "cut ME off", "walked|walk right ?past ME", "invisible",
       "did NT|never even|bother ?to look|notice|acknowledge",
       "didnt|never ?even acknowledge|acknowledged|notice|noticed",
       "forgot|forgotten|forget ?about ME|our|my|the order|table|request|appointment|us|me",
       "forgot|forgotten about ME",
       "waved|waves|waving away|off MY|the|any|all complaint|complaints|concern|concerns|issue|"
       "issues|problem|problems|question|questions|worries|request",
       "waved|waves|waving MY|the complaint|complaints|concern|concerns|issue|issues|problem|"
       "problems|question|questions|worries away|off|aside",
       "fobbed|fobbing", "unanswered|unacknowledged|unreturned",
       "walked|walking|walks|strolled ?straight|right|just past|by ME",
       "looked|looks|looking ?right|straight through|past ME",
       "acted|acting|acts|behaved ?as like|if|though i|we was|were|did NT there|exist|existed",
       "no|zero|without ?any|even ?making eye contact", "fall|fell|falling|falls on deaf ears",
       "not|n't|without|never|no even|once ?a|so ?much ?as ?a hello|greeting|hi|nod|glance"),
    _c("seen", -1, "seen -1: no reply, or one that does not address the problem",
       "no|zero|never ?a|any reply|replies|response|responses|answer|answers|acknowledgement|"
       "acknowledgment|callback|call-back|word",
       "never|didnt|dont|wont|doesnt ?even replied|reply|responded|respond|answered|answer|"
       "called|call|rang|listened|listen|acknowledged|returned",
       "never|didnt|dont|wont|doesnt ?even got|get|heard|hear|called|call back",
       "did|do|does|would|will|could|wo NT ?even reply|respond|answer|call|listen|acknowledge|return",
       "did|do|does|would|will|could|wo NT ?even get|hear|call back",
       "nobody|noone ANY called|answered|replied|responded|got|came|told|explained|informed|"
       "listened|helped|picked|showed|returned|bothered|cared|followed|contacted|checked",
       "no ?- one ANY called|answered|replied|responded|got|came|told|explained|informed|"
       "listened|helped|picked|showed|returned|bothered|cared|followed|contacted|checked",
       "left on read|seen|unread", "radio silence", "crickets", "ghosted|ghosting",
       "still waiting ?for|on ?a|an|my|your reply|response|answer|callback",
       "did|does|do NT ?even address|read|understand|answer", "didnt|doesnt ?even address|read",
       "heard|hearing nothing|zilch|nada|nowt back|since|further",
       "still nothing|no|zero word|news|update|updates|call|calls|email|emails|contact|callback|"
       "feedback|explanation|reply|answer|response|back|from",
       "no|zero|never ?a|any|single follow ?- up|ups",
       "did|does|do|would|will|wo NT ?even|ever ?bother ?to follow up",
       "did|does|would|wo NT take ?MY|the|it|ME|this ?complaint|complaints|concern|concerns|issue|"
       "problem|report|feedback seriously",
       "NT|never ?been taken seriously",
       "had|have|having|keep|kept to ?keep chase|chasing|chased them|him|her|it|up|you|u|this",
       "THEY never|NT ?even|once came|come|returned back|over",
       "nobody|noone ANY asked ME|if|how|whether", "no ?- one ANY asked ME|if|how|whether",
       "nobody|noone ANY noticed|acknowledged|greeted"),
    _c("seen", -1, "seen -1: kept waiting or on hold with no acknowledgment",
       "on|in hold|queue ?for|over|almost|nearly ?# ?hours|hrs|hour|hr|minutes|mins|min|days",
       "kept|left|leave|keep ME|you waiting|hanging", "held ?on ?for ~unit",
       "waited|waiting|wait ?for|over|almost|nearly|about # hours|hrs|hour|minutes|mins|days|"
       "weeks", "waited|waiting|wait|hold ?for|over ~unit", "endless|forever ?on hold|queue|waiting",
       "hold music",
       "on|in ?the hold|phone|queue|line for|over ages|forever|hours|eternity|days",
       "waited|waiting|queued|queuing|queueing ?for|over ?an ages|forever|eternity|hours|days|age"),
    _c("seen", -1, "seen -1: no information or updates ('no one told us anything')",
       "no|zero|without|never ?any updates|update|information|info|communication|explanation|"
       "announcement|announcements|notice|notification|warning|idea",
       "no|zero|without|never ?any heads up|heads-up",
       "in the dark", "no idea what|why|when|where ?was|is ?going|happening",
       "nobody|noone told|tells|informed|explained|updated ME|anything|anyone",
       "no one told|tells|informed|explained|updated ME|anything|anyone",
       "did|do|does|would|wo NT ?even tell|inform|update|explain|warn|notify ME|anyone|anything",
       "never|didnt ?even told|tell|informed|inform|updated|update|explained|warned|notified "
       "ME|anyone", "zero communication", "poor|terrible|awful|bad|no communication"),
    _c("seen", -1, "seen -1: had to repeat the story; canned, scripted answers; treated like a number",
       "repeat|repeated|repeating|re-explain|re-explained myself|my|the|our|everything|it",
       "explain|explained|explaining my|the|our story|issue|problem|situation again|over|to|three|"
       "3|every|each",
       "every|each|another|a new agent|rep|representative|advisor",
       "canned|scripted|automated|generic|template|templated|copy-paste|cookie-cutter|robotic|"
       "boilerplate reply|replies|response|responses|answer|answers|email|emails|message|messages|"
       "apology",
       "scripted|robotic", "read|reading from a script", "same script", "copy and paste",
       "like a robot|bot",
       "treated|feel|felt like|just a number|ticket|statistic|commodity",
       "like cattle", "just another number|ticket|customer",
       "copy ?- pasted|paste|pasting", "stock reply|replies|response|responses|answer|answers",
       "pillar to post"),
    # ------------------------------------------------------------------ mattering +1
    _c("mattering", 1, "mattering +1: went above and beyond; a thoughtful gesture nobody asked for",
       "above and|& beyond", "went|goes|go|going out of their|his|her|the way",
       "extra mile", "the extra step|effort", "made|make|makes my|our day|week|trip|night|year",
       "surprised|surprise ME|her|him with", "on the house",
       "handwritten|hand-written|personal|little|sweet|thoughtful note|card|gesture|touch",
       "complimentary|free dessert|cake|upgrade|drink|drinks|treat",
       "bent|bend|bends|bending over backwards", "nothing ANY was|is|seemed|'s ?ever too much",
       "nothing too much trouble|bother|effort|hassle",
       "no request|question|ask was|is|seemed too big|small|much|silly|difficult",
       "kind|lovely|nice|sweet|small|little|thoughtful|generous gesture|gestures|touches",
       "little|thoughtful extras",
       "made MY|the anniversary|birthday|holiday|vacation|honeymoon|stay|wedding|visit|evening|"
       "celebration|experience ?so|extra|really|truly|very special|memorable|unforgettable|magical",
       "THEY|owner|chef|ceo|director|boss|gm ?even|then|also personally called|rang|phoned|"
       "apologised|apologized|came|delivered|drove|walked|brought|visited|dropped"),
    _c("mattering", 1, "mattering +1: genuine care and kindness; warmth",
       "genuinely|really|truly|actually care|cared|cares|caring",
       "caring|compassionate|compassion|empathetic|empathy|kindness|warmth|thoughtful|gracious|"
       "considerate|heartfelt|sympathetic",
       "so|very|incredibly|super|extremely kind|warm|sweet|lovely|patient|gentle",
       "treated|treat ME|my ?with respect|dignity|kindness|care", "respectful|respected",
       "hug|hugged|hugs", "angel|sweetheart",
       "could NT ?have|'ve|of be|been ?any more helpful|kind|welcoming|accommodating|caring|"
       "lovely|attentive|gracious|thoughtful|supportive|understanding|friendly|patient",
       "could NT ?have|'ve|of be|been ?any nicer|kinder|friendlier|warmer|sweeter|lovelier",
       "treated|treats|treat ME ?so|very|really|extremely|incredibly well|kindly|warmly|"
       "beautifully|wonderfully|brilliantly",
       "warm|warmest|heartfelt|genuine|warmly|heartwarming welcome|welcomed|welcoming|greeting|"
       "greeted|hospitality",
       "with open arms",
       "nothing but|except kindness|warmth|care|respect|smiles|patience|compassion|love",
       "showed|shown|showing ?ME ?such|so|real|genuine|great|true ?much kindness|concern|patience|"
       "humanity|understanding",
       "cared|cares so|very much",
       "sooo|soo|soooo|sooooo|rly|realy|super kind|caring|thoughtful|considerate|compassionate",
       "made|makes|make ME|my|our ?kids|son|daughter|children|mum|mom|dad|wife|husband smile"),
    _c("mattering", 1, "mattering +1: made them feel special, valued, 'like family'",
       "like family|royalty|friends|vips", "like a|an vip|queen|king|person|human|friend|guest|old",
       "made|make|makes ME ?feel|felt special|valued|welcome|welcomed|important|appreciated|cared",
       "felt|feel special|valued|welcome|welcomed|appreciated|cared",
       "to check|see|ask how|on|if", "checked on ME|my|her|him",
       "asked how ME|i|we|my ?was|were|am|are|doing|feeling", "cared about ME|my|our",
       "cares about ?their|his|her|its customers|patients|guests|people",
       "feel|felt|feeling|feels ?right|so|really|completely at home", "part of the family",
       "like a|an princess|priority|million|valued ?customer|guest|member|dollars|bucks",
       "treated|treats|treat ME like gold|kings|queens",
       "like i|we ?really|actually|truly mattered|matter|counted|belonged",
       "like i|we was|were|are|am ?really|actually|truly|genuinely important|valued|special|"
       "appreciated|wanted|welcome|family",
       "more than ?just|only ?a|another number|customer|sale|patient|wallet|transaction"),
    # ------------------------------------------------------------------ mattering -1
    _c("mattering", -1, "mattering -1: rudeness, disrespect, contempt, condescension",
       "rude|rudely|rudest|rudeness|impolite|disrespectful|disrespect|disrespected|condescending|"
       "patronizing|patronising|arrogant|snotty|snooty|snarky|smug|belittled|belittling|mocked|"
       "mocking|insulted|insulting|humiliated|humiliating|demeaning|nasty|obnoxious|abrasive|"
       "unfriendly|curt|snappy|snapped|sneered|scoffed",
       "laughed at ME|my", "rolled|rolling|rolls her|his|their eyes", "eye roll|rolls",
       "eye-roll|eyeroll", "attitude", "talked|talks|spoke|speaks down to",
       "treated|treats ME|customers|people|patients|guests like dirt|garbage|trash|crap|idiots|"
       "criminals|children|shit",
       "treated|treats ME|customers|people like a|an idiot|criminal|child|nuisance|burden|"
       "inconvenience|suspect",
       "hung|hangs up on ME", "slammed|slams ?the phone|door", "short with ME",
       "rudee|rudeee|rudeeee|ruuude|ruuuude|rood|condecending|condesending|condenscending|"
       "condascending|disrespectfull|disrespecful|arrogent|ignorant",
       "no|zero|without|lack|lacked|lacking|lacks ?any|of ?basic|common respect|manners|courtesy|"
       "decency|empathy|compassion|sympathy|humanity",
       "snobby|snobbish|uppity|haughty|sarcastic|mouthy|stroppy|grumpy|surly|sullen|bitchy",
       "scowled|scowling|smirked|smirking|sneering|sneer|glared|contempt|contemptuous|disdain|"
       "disdainful|scornful",
       "looked|looks|looking down on|at|their|his|her ME|nose|noses",
       "made|making|make fun of ME|MY|her|him", "told|telling|tells ME to shut up",
       "tutted|tutting|huffed|huffing|huffy", "loud|heavy|audible|exasperated sigh|sighs|sighing",
       "second ?- class citizen|citizens"),
    _c("mattering", -1, "mattering -1: indifference ('couldn't care less', 'not my job')",
       "could NT care less", "could care less",
       "do|does|did NT ?even|seem|really ?to care", "dont|doesnt|didnt|never ?even|seem|really "
       "?to care|cared",
       "give a damn|shit|crap|fuck|toss|hoot", "not my|our job|problem|department|fault",
       "indifferent|indifference|apathetic|uninterested|disinterested|heartless|callous",
       "shrugged|shrug|shrugs", "glued to their|his|her|the phone|phones|screen",
       "too busy chatting|talking|gossiping|on",
       "did NT ?even apologize|apologise|apologized|apologised|say",
       "didnt|never ?even apologize|apologise|apologized|apologised",
       "not even an|a ?apology|sorry", "no|zero apology|apologies",
       "NT|never give|gave|giving|gives a|two damn|shit|crap|fuck|toss|hoot|rats|monkeys|f",
       "nobody|noone ?seemed|seems|even|really|ever|actually ?to care|cared|cares",
       "no ?- one ?seemed|seems|even|really|ever|actually ?to care|cared|cares",
       "THEY ?just|simply|clearly|obviously could NT be bothered",
       "they|he|she|staff|manager|agent|rep|everyone ?just|simply|clearly|obviously did|do|does "
       "NT want to know|help",
       "not|n't|without|never|no even|once ?a|so ?much ?as ?a smile|thank|thanks|thankyou|please|"
       "goodbye|bye",
       "chatting|chatted|gossiping|gossiped|talking|talked|laughing|joking|socialising|"
       "socializing among|amongst|between themselves",
       "scrolling|texting|playing|chatting on|through their|his|her phone|phones|mobile"),
    _c("mattering", -1, "mattering -1: made to feel a nuisance, unimportant, or only a wallet",
       "made|make|makes ME ?feel|felt like a|an nuisance|burden|bother|idiot|criminal|"
       "inconvenience|pest|liar|thief|child",
       "made|make ME ?feel|felt stupid|small|unwelcome|unimportant|worthless|invisible|dumb",
       "felt|feel unwelcome|unimportant|worthless", "felt|feel like a nuisance|burden",
       "only|just want|wants|care|cares|after ?about my|your|our|the money|cash",
       "just|only a wallet|sale|paycheck|cash|atm", "money grab|grabbing|grabbers",
       "do|does|did|could NT ?even care about their|its|the|his|her customers|patients|guests|"
       "customer|people|clients",
       "dont|doesnt|didnt|couldnt care about their|its|the customers|patients|guests|customer|"
       "people|clients",
       "customers|patients|people|guests|clients do|does NT matter",
       "customer service is|was ?a joke", "treated like an afterthought",
       "walking wallet|wallets|atm|atms|dollar|cash|paycheck|paycheque", "cash cow|cows",
       "see|saw|treat|treated|treats ?ME as|like ?a|an|just|only ?walking dollar|wallet|wallets|"
       "atm|paycheck|paycheque|sale|transaction|commission",
       "happy|quick|glad|fast|eager|keen to take|took MY|your|ur money",
       "like i|we was|were|am|are|'m|'re ?being ?a|an|the bother|burden|nuisance|inconvenience|"
       "annoyance|pain|pest|problem|idiot|liar|criminal|thief|stupid|dumb|beneath|bothering|"
       "annoying|interrupting|inconveniencing|wasting|trash|dirt|nothing",
       "like|if|though i|we|customers|patients|people did|do|does NT matter|exist|belong",
       "do|does|did NT value|respect|appreciate ?their|its|the|MY|your customers|customer|"
       "patients|guests|clients|time|business|loyalty|us|me|ppl"),
)
"""The cue lexicon. Each :class:`Cue` groups patterns that share one LABELS.md rule."""


def _expand_macros(pattern: str) -> list[str]:
    out = []
    for tok in pattern.split():
        opt = tok.startswith("?")
        body = tok[1:] if opt else tok
        parts = []
        for alt in body.split("|"):
            parts.append(MACROS.get(alt, alt))
        body = "|".join(parts)
        if body.startswith("?"):  # a macro that is itself optional
            opt, body = True, body[1:]
        out.append(("?" if opt else "") + body)
    return out


def expand_pattern(pattern: str) -> list[tuple[str, ...]]:
    """All exact lowercase token sequences a word-only pattern matches."""
    seqs: list[tuple[str, ...]] = [()]
    for tok in _expand_macros(pattern):
        opt = tok.startswith("?")
        alts = sorted(set((tok[1:] if opt else tok).split("|")))
        seqs = [seq + (a,) for seq in seqs for a in alts] + (seqs if opt else [])
    return sorted({seq for seq in seqs if seq})
