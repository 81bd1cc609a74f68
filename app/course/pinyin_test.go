package course

import "testing"

func TestNumberedToMarks(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ni3 hao3", "nǐ hǎo"},
		{"ma1 ma5", "mā ma"},
		{"Bei3 jing1", "Běi jīng"},
		{"lu:4", "lǜ"},
		{"nv3 er2", "nǚ ér"},
		{"lu:e4", "lüè"},
		{"jiu3", "jiǔ"},   // iu: the u
		{"gui4", "guì"},   // ui: the i
		{"dou1", "dōu"},   // ou: the o
		{"xiao3", "xiǎo"}, // a wins
		{"xue2", "xué"},   // e wins
		{"er4", "èr"},
		{"r5", "r"},
		{"ng2", "ńg"},
		{"m2", "ḿ"},
		{"hm5", "hm"},
		{"m1", "m\u0304"},
		{"ka3 la1 O K", "kǎ lā O K"},
		{"A A zhi4", "A A zhì"},
		{"，", "，"},
		{"Lu:3", "Lǚ"},
	} {
		if got := NumberedToMarks(tc.in); got != tc.want {
			t.Errorf("NumberedToMarks(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPinyinWord(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ni3 hao3", "nǐhǎo"},
		{"peng2 you5", "péngyou"},
		{"Xi1 an1", "Xī'ān"},
		{"tian1 e2", "tiān'é"},
		{"hai3 ou1", "hǎi'ōu"},
		{"yi1 dian3 r5", "yīdiǎnr"},
	} {
		if got := PinyinWord(tc.in); got != tc.want {
			t.Errorf("PinyinWord(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPinyinKeyAgreesAcrossSpellings(t *testing.T) {
	for _, numbered := range []string{"ni3 hao3", "lu:4 se4", "peng2 you5", "Xi1 an1", "nu:3 er2", "ng2"} {
		wl, wt, _ := pinyinKey(numbered)
		ml, mt, _ := pinyinKey(PinyinWord(numbered))
		if wl != ml || wt != mt {
			t.Errorf("%q: numbers give (%q,%q), marks give (%q,%q)", numbered, wl, wt, ml, mt)
		}
	}
}
