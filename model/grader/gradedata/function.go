package gradedata

import "strings"

// functionWords are words no paraphrase or swap may touch or bring in:
// WordNet lists many of them as nouns, adverbs or adjectives ("after" ->
// "subsequently", "in" -> "inside", "person" -> "someone"), but in a
// sentence they are grammar, and swapping them makes nonsense rather than
// a paraphrase or a clean wrong answer. Written for this project.
var functionWords = toSet(`a an the this that these those some any no every each either neither all both
half several many much more most few fewer less least other another such what which who whom whose
i me my mine you your yours he him his she her hers it its we us our ours they them their theirs
myself yourself himself herself itself ourselves themselves one ones someone somebody something
anyone anybody anything everyone everybody everything nobody nothing none somewhere anywhere everywhere
nowhere be am is are was were been being have has had having do does did done doing will would shall
should can could may might must ought need dare used not never also too very so just only even still
yet already then than there here now when where why how whether if unless because since though although
while as and or but nor for of in on at by to from with without about above across after against along
among around before behind below beneath beside besides between beyond down during except inside into
like near off onto out outside over past per round through throughout till toward towards under
underneath until up upon via within away back again ever else perhaps maybe quite rather almost enough
indeed instead once twice first last next own same well`)

func toSet(words string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(words) {
		out[w] = true
	}
	return out
}
