/* placeholder: being written by core */
