from acquis.www.perms import is_certifier_staff


def navigation(request):
    return {"nav_is_staff": is_certifier_staff(request.user)}
