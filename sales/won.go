package sales

// ValidateWon checks a deal about to be won. Contract: "A won deal has an
// amount greater than zero, however it is won (command, button, form,
// import)." Every path that sets a won stage calls it.
func ValidateWon(d Deal) error {
	if d.Amount > 0 {
		return nil
	}
	if d.ID == 0 { // an import row or a form not yet saved
		return Errorf(EINVALID, "a won deal needs an amount greater than zero: give the amount, e.g. 12000 or 12k")
	}
	return Errorf(EINVALID, "%s needs an amount greater than zero to be won: give it, e.g. /deal won %s 12k", d.ID, d.ID)
}
