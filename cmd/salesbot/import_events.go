package main

import "fmt"

func (im *importer) runEvents(c *command, data []byte, name string) error {
	return fmt.Errorf("import events is not wired yet")
}
