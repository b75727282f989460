"""Name lists for the identity rules and the generated-text name finder.

First names that are also everyday English words ("rose", "will", "grace",
"may", "mark", "bill", "jack", "amber", "ruby", "sky") are left out on purpose:
"is this rose?" is usually about a flower.
"""

from __future__ import annotations

FIRST_NAMES = frozenset(
    """
    aaron adam adrian ahmed aisha alex alexander alice alicia amanda amy andrea andrew angela
    anna anne anthony antonio ashley barbara ben benjamin beth betty brandon brian brittany
    carlos carol caroline catherine charles charlie chris christina christine christopher
    cindy claire daniel david deborah dennis diana donald donna dorothy edward elizabeth
    ellen emily emma eric ethan fatima frank gary george gloria greg hannah harry heather
    helen henry isabella jacob james jane janet jason jeff jennifer jeremy jessica jim joan
    joe john jonathan jose joseph josh joshua juan julia julie justin karen kate katherine
    kathy keith kelly ken kenneth kevin kim kimberly larry laura lauren linda lisa liz luis
    maria marie martha mary matt matthew megan melissa michael michelle mike mohammed
    muhammad nancy natalie nicholas nicole olivia patricia patrick paul peter priya rachel
    raj rebecca richard robert ryan sam samantha samuel sandra sara sarah scott sean sharon
    sophia stephanie stephen steve steven susan thomas tim timothy tom tony tyler victoria
    william yuki haruto sota yui hina ren aoi kenji hiroshi takashi yuko akiko keiko naoko
    taro hanako ichiro jiro
    """.split()
)

_CELEBRITY_TEXT = """
    taylor swift|barack obama|michelle obama|joe biden|donald trump|hillary clinton|bill clinton
    kamala harris|elon musk|bill gates|mark zuckerberg|jeff bezos|steve jobs|oprah winfrey
    tom hanks|tom cruise|brad pitt|angelina jolie|leonardo dicaprio|meryl streep|morgan freeman
    keanu reeves|emma watson|scarlett johansson|jennifer lopez|jennifer aniston|will smith
    dwayne johnson|the rock|beyonce|rihanna|adele|lady gaga|ed sheeran|justin bieber|zendaya
    ariana grande|billie eilish|kim kardashian|kanye west|drake|madonna|michael jackson
    cristiano ronaldo|lionel messi|michael jordan|lebron james|serena williams|roger federer
    shohei ohtani|ichiro suzuki|naomi osaka|ken watanabe|pope francis|queen elizabeth
    king charles|prince harry|prince william|kate middleton|meghan markle|angela merkel
    justin trudeau|emmanuel macron|vladimir putin|xi jinping|kim jong un|narendra modi
    greta thunberg|nelson mandela|margaret thatcher|princess diana|marilyn monroe
    albert einstein|tom holland|chris hemsworth|robert downey jr|johnny depp|harrison ford
    denzel washington|julia roberts|nicole kidman|sandra bullock|keira knightley
"""
CELEBRITIES = frozenset(
    name.strip() for name in _CELEBRITY_TEXT.replace("\n", "|").split("|") if name.strip()
)
