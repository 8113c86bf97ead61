"""``normalise_authors``: split bylines, drop what is not a person, one form per person."""

import pytest

from index.authors import normalise_authors, read_stoplist


@pytest.mark.parametrize("value, expected", [
    ("Jane Doe, John Smith and Mary Jones", ("Jane Doe", "John Smith", "Mary Jones")),
    ("Jane Doe & John Smith", ("Jane Doe", "John Smith")),
    ("Jane Doe; John Smith", ("Jane Doe", "John Smith")),
    ("Jane Doe | John Smith", ("Jane Doe", "John Smith")),
    (["Jane Doe", "John Smith"], ("Jane Doe", "John Smith")),
    ([{"name": "Jane Doe", "url": "https://x"}], ("Jane Doe",)),
    ("By Jane Doe", ("Jane Doe",)),
    ("Written by Jane Doe", ("Jane Doe",)),
    ("Jane Doe, Reuters", ("Jane Doe",)),
    ("Jane Doe and John Smith, Reuters", ("Jane Doe", "John Smith")),
    ("Dennis Thompson, HealthDay Reporter", ("Dennis Thompson",)),
    ("Kate Kelland, Health and Science Correspondent", ("Kate Kelland",)),
    ("Jane Doe Staff Writer", ("Jane Doe",)),
    ("Kimberlee Kruesi Associated Press", ("Kimberlee Kruesi",)),
    ("Jane Doe (Reuters Health)", ("Jane Doe",)),
    ("Jane Doe jane.doe@example.com", ("Jane Doe",)),
    ("Melissa Healy Is A Health", ("Melissa Healy",)),
    ("Dr. Jane Doe", ("Jane Doe",)),
    ("Will Boggs Md", ("Will Boggs",)),
    ("Jane Doe, PhD", ("Jane Doe",)),
    ("José García", ("José García",)),
    ("Mary-Jane O'Neil", ("Mary-Jane O'Neil",)),
    ("Ludwig van Beethoven", ("Ludwig van Beethoven",)),
    ("Donald G. Mcneil Jr", ("Donald G. Mcneil Jr",)),
    ("jsmith@example.com (John Smith)", ("John Smith",)),
    ("John Smith <jsmith@example.com>", ("John Smith",)),
    ('"Smith, John" <js@example.com>, Jane Doe <jd@example.org>', ("John Smith", "Jane Doe")),
    ("Smith, John", ("John Smith",)),
    ("SMITH, JOHN", ("John Smith",)),
    ("COCHRANE, JAMES SHAPLEIGH", ("James Shapleigh Cochrane",)),
    ("MILLER, JIMMY A.", ("Jimmy A. Miller",)),
    ("MCNEIL, DONALD G., JR.", ("Donald G. McNeil Jr",)),
    ("van Beethoven, Ludwig", ("Ludwig van Beethoven",)),
    ('<a href="/people/js">John Smith</a>', ("John Smith",)),
    ('<a href="mailto:js@example.com">John Smith</a>', ("John Smith",)),
    ("By Ann Lee and Bob Ray", ("Ann Lee", "Bob Ray")),
    ("JOHN SMITH AND JANE DOE", ("John Smith", "Jane Doe")),
    ("By Ann Lee | Reuters", ("Ann Lee",)),
    ("Robert Y. Chen", ("Robert Y. Chen",)),
    ("E. Jean Carroll", ("E. Jean Carroll",)),
    ("María López y Juan Pérez", ("María López", "Juan Pérez")),
    ("Pierre Dupont et Marie Curie", ("Pierre Dupont", "Marie Curie")),
])
def test_split_and_clean(value, expected):
    assert normalise_authors(value) == expected


@pytest.mark.parametrize("junk", [
    "Min Read", "Staff Writer", "Reuters Editorial", "D.C.", "Obesity", "Nutrition", "Science",
    "People Editorial Guidelines", "Dailymail.Com Reporter", "Https", "Facebook.Com Parademag",
    ".Wp-Block-Co-Authors-Plus-Avatar", "Height Auto Max-Width", "Display Inline",
    "Border-Radius Box-Shadow Rgba", "Text-Decoration None",
    "Topics.Nytimes.Com Topics Reference Timestopics People R Gretchen_Reynolds Index.Html",
    "Science Reporter With The Los Angeles Times Writing The Washington",
    "For The Inquirer", "Inquirer Staff Writer", "Columbia University", "Vanda Pharmaceuticals Inc",
    "Los Angeles Times", "Usa Today", "Abc News", "Reuters Health", "Area. She", "Covering Health Policy",
    "mailto:jane@x.com", "@janedoe", "Madonna", "jsmith@example.com", "Pm Et Sun Jan",
])
def test_non_names_are_dropped(junk):
    assert normalise_authors(junk) == ()


def test_bio_fragment_keeps_the_name():
    value = "Georgia Mars Is A Digital Content Editor At New Idea Magazine. As A Self-Professed Celeb Expert"
    assert normalise_authors(value) == ("Georgia Mars",)


def test_one_person_is_one_value():
    assert normalise_authors(["Jane  Doe", "JANE DOE", "jane doe", "By Jane Doe", "Dr. Jane Doe"]) == ("Jane Doe",)
    assert normalise_authors("Andrew M Seaman") == normalise_authors("Andrew M. Seaman") == ("Andrew M. Seaman",)


def test_mixed_case_is_kept():
    assert normalise_authors("Anahad O'Connor; Tara Parker-Pope") == ("Anahad O'Connor", "Tara Parker-Pope")


def test_stoplist_file_names_and_words():
    names, words = read_stoplist("# comment\nAnn Lee\n  bob   RAY \n~bloggs ~bureau\n\n")
    assert names == {"ann lee", "bob ray"} and words == {"bloggs", "bureau"}
    from index.authors import DEFAULT_STOPLIST, NON_NAME_WORDS

    value = "Ann Lee; Bob Ray; Cy Bloggs; Di Dee"
    assert normalise_authors(value) == ("Ann Lee", "Bob Ray", "Cy Bloggs", "Di Dee")
    assert normalise_authors(value, DEFAULT_STOPLIST | names, NON_NAME_WORDS | words) == ("Di Dee",)


def test_empty_values():
    assert normalise_authors(None) == () and normalise_authors("") == () and normalise_authors([None, ""]) == ()
