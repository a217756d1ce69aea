package sales

// TeamOf is a manager's team. Contract: "A manager's team: the manager
// plus everyone who reports to them, directly or indirectly. The same set
// for /goal team, /pipeline team, /forecast team, report --by manager (one
// row per manager over that set), the digest and its routes." A reporting
// line that loops back (A → B → A) ends where it repeats.
func TeamOf(people []Person, manager PersonID) map[PersonID]bool {
	reports := map[PersonID][]PersonID{}
	for _, p := range people {
		if p.Manager != 0 && p.Manager != p.ID {
			reports[p.Manager] = append(reports[p.Manager], p.ID)
		}
	}
	team := map[PersonID]bool{manager: true}
	queue := []PersonID{manager}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, r := range reports[id] {
			if !team[r] {
				team[r] = true
				queue = append(queue, r)
			}
		}
	}
	return team
}

// DealTerritory is the territory a deal counts in. Contract: "A deal's
// territory: the one set on the deal, else its owner's territory when it
// was created or imported." ownerAtCreation is the owner's territory at
// that time; creation and import are to store it on the deal, so later
// moves of the owner do not move the deal.
func DealTerritory(own, ownerAtCreation TerritoryID) TerritoryID {
	if own != 0 {
		return own
	}
	return ownerAtCreation
}
